import type { ViteDevServer, WebSocketClient } from 'vite'
import type {} from '../../client/vite-custom-events.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardStatePayload } from '../../client/protocol.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'
import { sinkOf, type WizardEventSink } from './event-sink.ts'

/**
 * Sends the protocol's events on Vite's HMR channel, and answers a page that says it is ready
 * with one snapshot of the current state (the page applies it idempotently, however many parts
 * of it ask). Only to the sockets `mayReceive` lets through — the dev server's own pages: events
 * carry code frames and absolute paths, as the status endpoint does (origins/page-trust.ts).
 */
export class HmrEventSink {
  /** The sink to add to the session's events. */
  readonly sink: Required<WizardEventSink> = sinkOf((event, payload) => this.broadcast(WIZARD_EVENTS[event], payload))
  private readonly onReady: Parameters<ViteDevServer['ws']['on']>[1]

  constructor(
    private readonly server: ViteDevServer,
    private readonly state: WizardStateStore,
    private readonly mayReceive: (client: WebSocketClient) => boolean,
  ) {
    this.onReady = (_data: unknown, client: WebSocketClient) => {
      if (this.mayReceive(client)) client.send(WIZARD_EVENTS.state, this.snapshot())
    }
    server.ws.on(WIZARD_EVENTS.ready, this.onReady)
  }

  snapshot(): WizardStatePayload {
    const failures: WizardFailedPayload[] = []
    for (const record of this.state.failures()) {
      if (!record.lastError) continue
      failures.push({
        wizardId: record.wizardId,
        file: record.file,
        timestamp: record.lastError.timestamp,
        error: record.lastError.error,
        keptPreviousVersion: record.current !== undefined,
      })
    }
    return { failures, wizards: this.state.summaries() }
  }

  /** What `server.ws.send` does (every open socket), minus the sockets of pages that are not the dev server's. */
  private broadcast(event: string, payload: unknown): void {
    for (const client of this.server.ws.clients) {
      if (client.socket.readyState === client.socket.OPEN && this.mayReceive(client)) client.send(event, payload)
    }
  }

  dispose(): void {
    this.server.ws.off(WIZARD_EVENTS.ready, this.onReady)
  }
}
