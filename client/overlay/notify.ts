import type { WizardFailedPayload, WizardReloadedPayload } from '../protocol.ts'
import type { OverlayPrefs } from './prefs.ts'

/**
 * System notifications while the tab is hidden (what the original roadmap's browser extension was
 * for): opt-in from the panel; clicking one brings the tab back.
 */
export function notifyInBackground(
  prefs: OverlayPrefs,
  event: { type: 'failed'; payload: WizardFailedPayload } | { type: 'reloaded'; payload: WizardReloadedPayload },
): void {
  if (!prefs.notify || document.visibilityState !== 'hidden' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  if (event.type === 'reloaded' && !prefs.notifySuccess) return
  const { wizardId } = event.payload
  const notification =
    event.type === 'failed'
      ? new Notification(`${wizardId} failed to reload`, {
          body: `${event.payload.error.message}${event.payload.keptPreviousVersion ? '\nThe previous version keeps serving.' : ''}`,
          tag: `wizard-${wizardId}`,
        })
      : new Notification(`${wizardId} reloaded`, { body: `v${event.payload.version} in ${event.payload.durationMs} ms`, tag: `wizard-${wizardId}` })
  notification.onclick = () => {
    window.focus()
    notification.close()
  }
}

/** Asks for permission (from a click); resolves true when notifications may be shown. */
export async function allowNotifications(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false
  if (Notification.permission === 'granted') return true
  if (Notification.permission === 'denied') return false
  return (await Notification.requestPermission()) === 'granted'
}
