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
import type {
  WizardActionDone,
  WizardDiff,
  WizardFailedPayload,
  WizardHistoryEntry,
  WizardReloadedPayload,
  WizardRemovedPayload,
  WizardRolledBackPayload,
} from './protocol.ts'
import { wizardStore, type StoreEvent, type WizardStore } from './wizard-store.ts'
import { createRequester, type Request } from './requests.ts'

export * from './protocol.ts'

export type Unsubscribe = () => void

export function onWizardReloaded(callback: (payload: WizardReloadedPayload) => void): Unsubscribe {
  return subscribe((event) => event.type === 'reloaded' && callback(event.payload))
}

/**
 * Called once per failure: for each new `failed` event, and — so a page that loads while a wizard
 * is broken hears about it at once — for the failures already present when it subscribes (the
 * page asks the server once for a snapshot). A failure is never delivered twice to one callback,
 * however many parts of the page ask.
 */
export function onWizardFailed(callback: (payload: WizardFailedPayload) => void): Unsubscribe {
  const store = pageStore()
  if (!store) return () => {}
  const delivered = new Map<string, number>()
  const deliver = (failure: WizardFailedPayload) => {
    if (delivered.get(failure.wizardId) === failure.timestamp) return
    delivered.set(failure.wizardId, failure.timestamp)
    callback(failure)
  }
  const stop = subscribe((event) => {
    if (event.type === 'failed') deliver(event.payload)
    else if (event.type === 'state') event.payload.failures.forEach(deliver)
    else delivered.delete(event.payload.wizardId)
  })
  // Failures this page already knows of reach a late subscriber too (after it has its unsubscribe).
  const known = store.failures
  let active = true
  queueMicrotask(() => {
    if (active) known.forEach(deliver)
  })
  return () => {
    active = false
    stop()
  }
}

export function onWizardRemoved(callback: (payload: WizardRemovedPayload) => void): Unsubscribe {
  return subscribe((event) => event.type === 'removed' && callback(event.payload))
}

/** A wizard was rolled back to a kept version (it stays pinned until its file's next save). */
export function onWizardRolledBack(callback: (payload: WizardRolledBackPayload) => void): Unsubscribe {
  return subscribe((event) => event.type === 'rolled-back' && callback(event.payload))
}

/**
 * Asks the dev server about wizards and acts on them, over Vite's own HMR socket. Each call
 * resolves with the server's answer or rejects with its reason (an unknown wizard or version, say);
 * in a production build every call rejects.
 *
 * ```ts
 * import { wizardActions } from 'vite-plugin-wizard-hot-reload/client'
 * const history = await wizardActions.history('debug')
 * await wizardActions.rollback('debug', history[0].version!)
 * ```
 */
export const wizardActions = {
  /** The last reload attempts of a wizard, oldest first. */
  history: (wizardId: string): Promise<WizardHistoryEntry[]> => request()({ type: 'history', wizardId }),
  /** A line diff between two kept versions' sources. */
  diff: (wizardId: string, from: number, to: number): Promise<WizardDiff> => request()({ type: 'diff', wizardId, from, to }),
  /** Registers a kept version again; the wizard stays pinned to it until its file's next save. */
  rollback: (wizardId: string, version: number): Promise<WizardActionDone> => request()({ type: 'rollback', wizardId, version }),
  /** Rolls back to the version registered before the current one. */
  undo: (wizardId: string): Promise<WizardActionDone> => request()({ type: 'undo', wizardId }),
  /** Reloads the wizard's file now. */
  retry: (wizardId: string): Promise<WizardActionDone> => request()({ type: 'retry', wizardId }),
}

let requester: Request | undefined

function request(): Request {
  const hot = hotContext()
  if (!hot) return () => Promise.reject(new Error('wizardActions: not served by a Vite dev server (import.meta.hot is undefined)'))
  return (requester ??= createRequester(hot).request)
}

function hotContext(): HotContext | undefined {
  // `import.meta.hot` only exists while Vite serves this module in dev (the plugin keeps it out of
  // dependency pre-bundling so Vite can inject it); in a build it is undefined.
  return import.meta.hot as HotContext | undefined
}

/** The page's wizard store (shared with the overlay), or none outside Vite's dev server. */
function pageStore(): WizardStore | undefined {
  const hot = hotContext()
  return hot ? wizardStore(hot) : undefined
}

function subscribe(listener: (event: StoreEvent) => void): Unsubscribe {
  const store = pageStore()
  if (!store) return () => {}
  const stop = store.subscribe(listener)
  let active = true
  return () => {
    if (!active) return
    active = false
    stop()
  }
}
