/**
 * Browser helpers for apps: react to wizard reloads (e.g. refresh a wizard list) without a page
 * reload. Each returns an unsubscribe function; in a production build they do nothing.
 *
 * ```ts
 * import { onWizardReloaded } from 'vite-plugin-wizard-hot-reload/client'
 * const stop = onWizardReloaded(({ wizardId }) => refresh(wizardId))
 * ```
 */
export type * from './vite-custom-events.ts'
import type { HotContext } from './hot-context.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardReloadedPayload, type WizardRemovedPayload } from './protocol.ts'

export * from './protocol.ts'

export type Unsubscribe = () => void

export function onWizardReloaded(callback: (payload: WizardReloadedPayload) => void): Unsubscribe {
  return subscribe(WIZARD_EVENTS.reloaded, callback)
}

/**
 * Also asks the server, once per page, for the failures already present, so a page that loads while
 * a wizard is broken hears about it at once. A failure may therefore arrive more than once (the
 * overlay asks too): treat it by `wizardId`.
 */
export function onWizardFailed(callback: (payload: WizardFailedPayload) => void): Unsubscribe {
  const unsubscribe = subscribe(WIZARD_EVENTS.failed, callback)
  requestCurrentFailures()
  return unsubscribe
}

export function onWizardRemoved(callback: (payload: WizardRemovedPayload) => void): Unsubscribe {
  return subscribe(WIZARD_EVENTS.removed, callback)
}

let currentFailuresRequested = false

function requestCurrentFailures(): void {
  const hot = import.meta.hot as HotContext | undefined
  if (!hot || currentFailuresRequested) return
  currentFailuresRequested = true
  hot.send(WIZARD_EVENTS.ready, { client: 'api' })
}

function subscribe<T>(event: string, callback: (payload: T) => void): Unsubscribe {
  // `import.meta.hot` only exists while Vite serves this module in dev (the plugin keeps it out of
  // dependency pre-bundling so Vite can inject it); in a build it is undefined.
  const hot = import.meta.hot as HotContext | undefined
  if (!hot) return () => {}
  const listener = callback as (payload: never) => void
  hot.on(event, listener)
  let active = true
  return () => {
    if (!active) return
    active = false
    hot.off?.(event, listener)
  }
}
