/**
 * `vite-plugin-wizard-hot-reload/backend`: hot-reload wizards into a Node process of your own (an
 * API on :3000, a worker, a job runner) from the Vite dev server. Node only; it needs nothing of
 * Vite at run time but `vite/module-runner`.
 */
export { connectWizardHotReload, type WizardBackendLink, type WizardBackendLogger, type WizardBackendOptions } from './backend-process/connect.ts'
export type { RegisterContext, RegisterWizard, UnregisterWizard, WizardClass, WizardConfigOf } from './types.ts'
/** @internal used by the lines the plugin appends to a `registry` module evaluated in another runtime */
export { connectRegistryRuntime } from './backend-process/registry-runtime.ts'
