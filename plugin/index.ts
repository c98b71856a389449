import { wizardHotReload } from './plugin.ts'

export default wizardHotReload
export { wizardHotReload, attachWizardHotReload, PLUGIN_NAME, type WizardHotReloadApi } from './plugin.ts'
export type { UpgradeableServer } from './notify/ws-endpoint.ts'
export { WizardReloader, type WizardReloaderOptions, type ReloadOptions, type RollbackOutcome } from './reload/reloader.ts'
export { WizardFileWatcher, type WizardFileWatcherOptions, type WizardFileChange, type WizardFileChangeType } from './files/watcher.ts'
export {
  defaultOptions,
  resolveOptions,
  DEFAULT_WIZARD_DIRS,
  type WizardHotReloadOptions,
  type ResolvedWizardHotReloadOptions,
  type OverlayOptions,
  type OverlayPosition,
  type RegisterWizard,
  type UnregisterWizard,
} from './options.ts'
export { defaultWizardId, defaultIsWizardClass } from './files/wizard-files.ts'
export type { WizardEventSink } from './notify/event-sink.ts'
export type { RegisterContext, ReloadResult, WizardClass } from './types.ts'
export * from '../client/protocol.ts'
export type * from '../client/vite-custom-events.ts'
