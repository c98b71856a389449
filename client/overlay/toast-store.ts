import type { WizardFailedPayload, WizardReloadedPayload, WizardStatePayload } from '../protocol.ts'
import type { StoreEvent } from '../wizard-store.ts'

/** The page's events a toast shows (the wizard store's, but for rollbacks and snapshots). */
export type ToastEvent = Extract<StoreEvent, { type: 'reloaded' | 'failed' | 'removed' }>

export interface Toast {
  /** Changes whenever the toast's content changes (for keys and timers). */
  key: string
  /** The wizard shown first (the only one, unless several share a failure). */
  wizardId: string
  /** Every wizard this toast stands for: several when one broken module failed them all. */
  wizardIds: string[]
  type: ToastEvent['type']
  payload: ToastEvent['payload']
  /** How many events of this type this toast stands for (a burst of reloads shows "×3"). */
  count: number
  /** Success and removal toasts go away by themselves; failures stay. */
  sticky: boolean
  /** For a failure caused by another module (a broken helper): failures with the same cause share a toast. */
  cause?: string
  /** Identities of the failures this toast shows (see `failureIdentity`). */
  shown: ReadonlySet<string>
}

let sequence = 0
const newKey = (wizardId: string) => `${wizardId}#${++sequence}`

/**
 * One toast per wizard: a new event replaces that wizard's toast (a success clears its failure),
 * a repeat of the same kind updates it in place instead of stacking another. Failures caused by the
 * same error in another module (a broken helper) share one toast. Newest last.
 */
export function applyEvent(toasts: readonly Toast[], event: ToastEvent): Toast[] {
  const wizardId = event.payload.wizardId
  // The very failure already shown (a snapshot repeating it, two listeners asking): nothing new.
  if (event.type === 'failed' && isShown(toasts, event.payload)) return toasts as Toast[]
  const { rest, previous } = split(toasts, wizardId)

  const cause = event.type === 'failed' ? sharedCause(event.payload) : undefined
  const group = cause === undefined ? undefined : rest.find((toast) => toast.cause === cause)
  if (group) {
    const shown = new Set(group.shown).add(failureIdentity(event.payload as WizardFailedPayload))
    const joined: Toast = { ...group, key: newKey(group.wizardId), wizardIds: [...group.wizardIds, wizardId], payload: event.payload, shown }
    return [...rest.filter((toast) => toast !== group), joined]
  }

  const repeat = previous?.type === event.type && event.type !== 'failed' && previous.wizardIds.length === 1
  const sameFailure = previous?.type === 'failed' && event.type === 'failed' && sameError(previous.payload as WizardFailedPayload, event.payload)
  const toast: Toast = {
    key: newKey(wizardId),
    wizardId,
    wizardIds: [wizardId],
    type: event.type,
    payload: event.payload,
    count: repeat || sameFailure ? previous!.count + 1 : 1,
    // A reload some backends did not take stays until the next one, like a failure.
    sticky: event.type === 'failed' || (event.type === 'reloaded' && ((event.payload as WizardReloadedPayload).backends?.failed.length ?? 0) > 0),
    ...(cause === undefined ? {} : { cause }),
    shown: event.type === 'failed' ? new Set([failureIdentity(event.payload)]) : new Set(),
  }
  return [...rest, toast]
}

/** The toasts without `wizardId`'s (it leaves a shared failure; the others stay in it), and its toast. */
function split(toasts: readonly Toast[], wizardId: string): { rest: Toast[]; previous?: Toast } {
  let previous: Toast | undefined
  const rest: Toast[] = []
  for (const toast of toasts) {
    if (!toast.wizardIds.includes(wizardId)) rest.push(toast)
    else if (toast.wizardIds.length === 1) previous = toast
    else {
      const remaining = toast.wizardIds.filter((id) => id !== wizardId)
      rest.push({ ...toast, key: newKey(remaining[0]), wizardId: remaining[0], wizardIds: remaining })
      previous = toast
    }
  }
  return { rest, previous }
}

/** `wizardId` reloaded or went away while nobody needs telling (the panel is open): its toast goes. */
export function forget(toasts: readonly Toast[], wizardId: string): Toast[] {
  return split(toasts, wizardId).rest
}

export function dismiss(toasts: readonly Toast[], key: string): Toast[] {
  return toasts.filter((toast) => toast.key !== key)
}

/**
 * Applies a `state` snapshot: each failure not shown yet gets its toast (one shown already is left
 * as it is, so applying the same snapshot twice changes nothing), and a failure toast of a wizard
 * that is no longer failing goes away (it was fixed while this page was not listening).
 */
export function applySnapshot(toasts: readonly Toast[], snapshot: WizardStatePayload, dismissed: ReadonlySet<string> = new Set()): Toast[] {
  const failing = new Set(snapshot.failures.map((failure) => failure.wizardId))
  let next = toasts.filter((toast) => toast.type !== 'failed' || toast.wizardIds.some((id) => failing.has(id)))
  for (const failure of snapshot.failures) {
    if (dismissed.has(failureIdentity(failure))) continue
    next = applyEvent(next, { type: 'failed', payload: failure })
  }
  return next
}

/** One failure, as the server sent it: the same wizard and moment is the same failure. */
export function failureIdentity(failure: WizardFailedPayload): string {
  return `${failure.wizardId}@${failure.timestamp}`
}

function isShown(toasts: readonly Toast[], failure: WizardFailedPayload): boolean {
  return toasts.some((toast) => toast.type === 'failed' && toast.wizardIds.includes(failure.wizardId) && toast.shown.has(failureIdentity(failure)))
}

function sameError(a: WizardFailedPayload, b: WizardFailedPayload): boolean {
  return a.error.kind === b.error.kind && a.error.message === b.error.message && a.file === b.file
}

/** The error points into another module than the wizard's own file: that module is the cause. */
export function sharedCause(payload: WizardFailedPayload): string | undefined {
  const { loc, kind, message } = payload.error
  // A config file is a wizard's own, even when several wizards share one: each keeps its toast.
  if (!loc || loc.file === payload.file || kind === 'config') return undefined
  return `${kind}|${message}|${loc.file}:${loc.line}:${loc.column}`
}

/** Holds the toasts and tells the view when they change. */
export class ToastStore {
  private toasts: Toast[] = []
  private readonly listeners = new Set<(toasts: readonly Toast[]) => void>()

  get current(): readonly Toast[] {
    return this.toasts
  }

  /** Failures the user dismissed: a snapshot repeating one does not bring it back. */
  private readonly dismissedFailures = new Set<string>()

  push(event: ToastEvent): void {
    this.set(applyEvent(this.toasts, event))
  }

  applySnapshot(snapshot: WizardStatePayload): void {
    this.set(applySnapshot(this.toasts, snapshot, this.dismissedFailures))
  }

  dismiss(key: string): void {
    for (const toast of this.toasts) if (toast.key === key) for (const identity of toast.shown) this.dismissedFailures.add(identity)
    this.set(dismiss(this.toasts, key))
  }

  /** Removes `wizardId`'s toast without a new one (its news is shown elsewhere). */
  forget(wizardId: string): void {
    this.set(forget(this.toasts, wizardId))
  }

  /** Removes the toasts that would go away by themselves (successes, removals); failures stay. */
  dismissTransient(): void {
    if (this.toasts.some((toast) => !toast.sticky)) this.set(this.toasts.filter((toast) => toast.sticky))
  }

  /** Dismisses the newest toast; false when there is none. */
  dismissNewest(): boolean {
    const newest = this.toasts.at(-1)
    if (!newest) return false
    this.dismiss(newest.key)
    return true
  }

  subscribe(listener: (toasts: readonly Toast[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(next: Toast[]): void {
    this.toasts = next
    for (const listener of this.listeners) listener(next)
  }
}
