import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload } from '../protocol.ts'

export type ToastEvent =
  | { type: 'reloaded'; payload: WizardReloadedPayload }
  | { type: 'failed'; payload: WizardFailedPayload }
  | { type: 'removed'; payload: WizardRemovedPayload }

export interface Toast {
  /** Changes whenever the toast's content changes (for keys and timers). */
  key: string
  wizardId: string
  type: ToastEvent['type']
  payload: ToastEvent['payload']
  /** How many events of this type this toast stands for (a burst of reloads shows "×3"). */
  count: number
  /** Success and removal toasts go away by themselves; failures stay. */
  sticky: boolean
}

let sequence = 0

/**
 * One toast per wizard: a new event replaces that wizard's toast (a success clears its failure),
 * a repeat of the same kind updates it in place instead of stacking another. Newest last.
 */
export function applyEvent(toasts: readonly Toast[], event: ToastEvent): Toast[] {
  const wizardId = event.payload.wizardId
  const previous = toasts.find((toast) => toast.wizardId === wizardId)
  const rest = toasts.filter((toast) => toast.wizardId !== wizardId)
  const repeat = previous?.type === event.type && event.type !== 'failed'
  const sameFailure = previous?.type === 'failed' && event.type === 'failed' && sameError(previous.payload as WizardFailedPayload, event.payload)
  const toast: Toast = {
    key: `${wizardId}#${++sequence}`,
    wizardId,
    type: event.type,
    payload: event.payload,
    count: repeat || sameFailure ? previous!.count + 1 : 1,
    sticky: event.type === 'failed',
  }
  return [...rest, toast]
}

export function dismiss(toasts: readonly Toast[], key: string): Toast[] {
  return toasts.filter((toast) => toast.key !== key)
}

function sameError(a: WizardFailedPayload, b: WizardFailedPayload): boolean {
  return a.error.kind === b.error.kind && a.error.message === b.error.message && a.file === b.file
}

/** Holds the toasts and tells the view when they change. */
export class ToastStore {
  private toasts: Toast[] = []
  private readonly listeners = new Set<(toasts: readonly Toast[]) => void>()

  get current(): readonly Toast[] {
    return this.toasts
  }

  push(event: ToastEvent): void {
    this.set(applyEvent(this.toasts, event))
  }

  dismiss(key: string): void {
    this.set(dismiss(this.toasts, key))
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
