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

/** The events a sink hears, by the name of its method (the protocol's `WIZARD_EVENTS` keys). */
export const SINK_EVENTS = ['reloaded', 'failed', 'removed', 'rolledBack'] as const
export type SinkEvent = (typeof SINK_EVENTS)[number]

/** A sink whose every method hands its event, by name, to `handle`. */
export function sinkOf(handle: (event: SinkEvent, payload: unknown) => void): Required<WizardEventSink> {
  const sink: Partial<Record<SinkEvent, (payload: unknown) => void>> = {}
  for (const event of SINK_EVENTS) sink[event] = (payload) => handle(event, payload)
  return sink as Required<WizardEventSink>
}

/** Fans one event out to every sink; a sink that throws (or rejects) never stops the others. */
export interface WizardEventFanout extends Required<WizardEventSink> {}
// (The interface declares the sink methods; the constructor installs them with sinkOf.)
export class WizardEventFanout {
  private readonly sinks = new Set<WizardEventSink>()

  constructor(private readonly onSinkError: (error: unknown) => void = () => {}) {
    Object.assign(this, sinkOf((event, payload) => this.each((sink) => (sink[event] as ((payload: unknown) => unknown) | undefined)?.call(sink, payload))))
  }

  add(sink: WizardEventSink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
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
