import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload, WizardRolledBackPayload } from '../../client/protocol.ts'

/**
 * Where reload outcomes go: the terminal, Vite's HMR channel, the reference WebSocket endpoint,
 * or anything a user plugs in. Every method is optional.
 */
export interface WizardEventSink {
  reloaded?(payload: WizardReloadedPayload): void
  failed?(payload: WizardFailedPayload): void
  removed?(payload: WizardRemovedPayload): void
  rolledBack?(payload: WizardRolledBackPayload): void
}

/** Fans one event out to every sink; a sink that throws (or rejects) never stops the others. */
export class WizardEventFanout implements Required<WizardEventSink> {
  private readonly sinks = new Set<WizardEventSink>()

  constructor(private readonly onSinkError: (error: unknown) => void = () => {}) {}

  add(sink: WizardEventSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  reloaded(payload: WizardReloadedPayload): void {
    this.each((sink) => sink.reloaded?.(payload))
  }

  failed(payload: WizardFailedPayload): void {
    this.each((sink) => sink.failed?.(payload))
  }

  removed(payload: WizardRemovedPayload): void {
    this.each((sink) => sink.removed?.(payload))
  }

  rolledBack(payload: WizardRolledBackPayload): void {
    this.each((sink) => sink.rolledBack?.(payload))
  }

  private each(call: (sink: WizardEventSink) => unknown): void {
    for (const sink of this.sinks) {
      try {
        const returned = call(sink) as { then?: unknown } | undefined
        // A listener written as an async function rejects instead of throwing.
        if (returned && typeof returned.then === 'function') (returned as Promise<unknown>).then(undefined, this.onSinkError)
      } catch (error) {
        this.onSinkError(error)
      }
    }
  }
}
