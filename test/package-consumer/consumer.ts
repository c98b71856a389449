// Type-checked against the installed package's declarations (both entry points).
import { onWizardFailed, onWizardReloaded, type WizardReloadedPayload } from 'vite-plugin-wizard-hot-reload/client'
import wizardHotReload, { type ReloadResult, type WizardHotReloadOptions } from 'vite-plugin-wizard-hot-reload'

const options: WizardHotReloadOptions = { dirs: ['wizards'], delay: 50, register: (id, cls) => Boolean(id && cls) }
export const plugin = wizardHotReload(options)
export const stop = onWizardReloaded((payload: WizardReloadedPayload) => console.log(payload.reloadCount.toFixed(0)))
onWizardFailed(({ error }) => console.log(error.kind, error.loc?.line))
import.meta.hot?.on('wizard-hot-reload:removed', (payload) => console.log(payload.wizardId.toUpperCase()))
export type Result = ReloadResult['success']
