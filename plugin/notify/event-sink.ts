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

/** A sink that fans each event out to every added sink, and adds and removes them. */
export type WizardEventFanout = Required<WizardEventSink> & { add(sink: WizardEventSink): () => void }

/** Fans one event out to every sink; a sink that throws (or rejects) never stops the others. */
export function eventFanout(onSinkError: (error: unknown) => void = () => {}): WizardEventFanout {
  const sinks = new Set<WizardEventSink>()
  const deliver = (event: SinkEvent, payload: unknown) => {
    for (const sink of sinks) {
      try {
        const returned = (sink[event] as ((payload: unknown) => unknown) | undefined)?.call(sink, payload) as { then?: unknown } | undefined
        // A listener written as an async function rejects instead of throwing.
        if (returned && typeof returned.then === 'function') (returned as Promise<unknown>).then(undefined, onSinkError)
      } catch (error) {
        onSinkError(error)
      }
    }
  }
  return {
    ...sinkOf(deliver),
    add(sink) {
      sinks.add(sink)
      return () => sinks.delete(sink)
    },
  }
}
