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
import {
  WIZARD_EVENTS,
  type WizardDiff,
  type WizardFailedPayload,
  type WizardHistoryEntry,
  type WizardReloadedPayload,
  type WizardRemovedPayload,
  type WizardRequestResults,
  type WizardRolledBackPayload,
  type WizardStatePayload,
} from './protocol.ts'
import { createRequester, type Request } from './requests.ts'

export * from './protocol.ts'

export type Unsubscribe = () => void

export function onWizardReloaded(callback: (payload: WizardReloadedPayload) => void): Unsubscribe {
  return subscribe(WIZARD_EVENTS.reloaded, callback)
}

/**
 * Called once per failure: for each new `failed` event, and — so a page that loads while a wizard
 * is broken hears about it at once — for the failures already present when it subscribes (the
 * page asks the server once for a snapshot). A failure is never delivered twice to one callback,
 * however many parts of the page ask.
 */
export function onWizardFailed(callback: (payload: WizardFailedPayload) => void): Unsubscribe {
  const hot = hotContext()
  if (!hot) return () => {}
  let active = true
  const delivered = new Map<string, number>()
  const deliver = (failure: WizardFailedPayload) => {
    if (delivered.get(failure.wizardId) === failure.timestamp) return
    delivered.set(failure.wizardId, failure.timestamp)
    callback(failure)
  }
  const forget = ({ wizardId }: { wizardId: string }) => delivered.delete(wizardId)
  const onState = ({ failures }: WizardStatePayload) => failures.forEach(deliver)
  const stops = [subscribe(WIZARD_EVENTS.failed, deliver), subscribe(WIZARD_EVENTS.state, onState), subscribe(WIZARD_EVENTS.reloaded, forget), subscribe(WIZARD_EVENTS.removed, forget)]
  // Failures this page already knows of reach a late subscriber too.
  const known = currentFailures(hot)
  queueMicrotask(() => {
    if (active) known.forEach(deliver)
  })
  return () => {
    if (!active) return
    active = false
    for (const stop of stops) stop()
  }
}

export function onWizardRemoved(callback: (payload: WizardRemovedPayload) => void): Unsubscribe {
  return subscribe(WIZARD_EVENTS.removed, callback)
}

/** A wizard was rolled back to a kept version (it stays pinned until its file's next save). */
export function onWizardRolledBack(callback: (payload: WizardRolledBackPayload) => void): Unsubscribe {
  return subscribe(WIZARD_EVENTS.rolledBack, callback)
}

/**
 * Asks the dev server about wizards and acts on them, over Vite's own HMR socket. Each call
 * resolves with the server's answer or rejects with its reason (an unknown wizard or version, say);
 * in a production build every call rejects.
 *
 * ```ts
 * import { wizardHotReload } from 'vite-plugin-wizard-hot-reload/client'
 * const history = await wizardHotReload.history('debug')
 * await wizardHotReload.rollback('debug', history[0].version!)
 * ```
 */
export const wizardHotReload = {
  /** The last reload attempts of a wizard, oldest first. */
  history: (wizardId: string): Promise<WizardHistoryEntry[]> => request()({ type: 'history', wizardId }),
  /** A line diff between two kept versions' sources. */
  diff: (wizardId: string, from: number, to: number): Promise<WizardDiff> => request()({ type: 'diff', wizardId, from, to }),
  /** Registers a kept version again; the wizard stays pinned to it until its file's next save. */
  rollback: (wizardId: string, version: number): Promise<WizardRequestResults['rollback']> => request()({ type: 'rollback', wizardId, version }),
  /** Rolls back to the version registered before the current one. */
  undo: (wizardId: string): Promise<WizardRequestResults['undo']> => request()({ type: 'undo', wizardId }),
  /** Reloads the wizard's file now. */
  retry: (wizardId: string): Promise<WizardRequestResults['retry']> => request()({ type: 'retry', wizardId }),
}

let requester: Request | undefined

function request(): Request {
  const hot = hotContext()
  if (!hot) return () => Promise.reject(new Error('wizardHotReload: not served by a Vite dev server (import.meta.hot is undefined)'))
  return (requester ??= createRequester(hot).request)
}

/**
 * What this page knows is failing, kept from the events; the first call asks the server for a
 * snapshot (once per page: the answer reaches every listener on the page).
 */
let knownFailures: Map<string, WizardFailedPayload> | undefined

function currentFailures(hot: HotContext): WizardFailedPayload[] {
  if (!knownFailures) {
    const failures = (knownFailures = new Map())
    hot.on(WIZARD_EVENTS.failed, ((failure: WizardFailedPayload) => failures.set(failure.wizardId, failure)) as (payload: never) => void)
    hot.on(WIZARD_EVENTS.reloaded, (({ wizardId }: WizardReloadedPayload) => failures.delete(wizardId)) as (payload: never) => void)
    hot.on(WIZARD_EVENTS.removed, (({ wizardId }: WizardRemovedPayload) => failures.delete(wizardId)) as (payload: never) => void)
    hot.on(WIZARD_EVENTS.state, (({ failures: now }: WizardStatePayload) => {
      failures.clear()
      for (const failure of now) failures.set(failure.wizardId, failure)
    }) as (payload: never) => void)
    hot.send(WIZARD_EVENTS.ready, { client: 'api' })
  }
  return [...knownFailures.values()]
}

function hotContext(): HotContext | undefined {
  // `import.meta.hot` only exists while Vite serves this module in dev (the plugin keeps it out of
  // dependency pre-bundling so Vite can inject it); in a build it is undefined.
  return import.meta.hot as HotContext | undefined
}

function subscribe<T>(event: string, callback: (payload: T) => void): Unsubscribe {
  const hot = hotContext()
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
