// Type-checked against the installed package's declarations (both entry points).
import { onWizardFailed, onWizardReloaded, type WizardReloadedPayload } from 'vite-plugin-wizard-hot-reload/client'
import wizardHotReload, { type ReloadResult, type WizardHotReloadOptions } from 'vite-plugin-wizard-hot-reload'

const options: WizardHotReloadOptions = { dirs: ['wizards'], delay: 50, register: (id, cls) => Boolean(id && cls) }
export const plugin = wizardHotReload(options)
export const stop = onWizardReloaded((payload: WizardReloadedPayload) => console.log(payload.reloadCount.toFixed(0)))
onWizardFailed(({ error }) => console.log(error.kind, error.loc?.line))
import.meta.hot?.on('wizard-hot-reload:removed', (payload) => console.log(payload.wizardId.toUpperCase()))
export type Result = ReloadResult['success']

// A user's own wizard type fits the callbacks (no casts): the README's registry pattern.
interface Wizard {
  run(): string
}
const wizards = new Map<string, new () => Wizard>()
export const typed = wizardHotReload({ register: (id: string, cls: new () => Wizard) => Boolean(wizards.set(id, cls)) })
export const ready: Promise<void> | undefined = typed.api?.ready

// The backend entry, typed: a register callback's context carries the version, signal and config.
import { connectWizardHotReload, type WizardBackendLink } from 'vite-plugin-wizard-hot-reload/backend'
export const link: Promise<WizardBackendLink> = connectWizardHotReload({
  server: 'http://localhost:5173',
  name: 'api',
  register: (id, cls, context) => Boolean(id && cls && context.version > 0 && !context.signal.aborted),
})
