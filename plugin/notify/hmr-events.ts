import type { ViteDevServer } from 'vite'
import type {} from '../../client/vite-custom-events.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardReloadedPayload, type WizardRemovedPayload, type WizardRolledBackPayload, type WizardStatePayload } from '../../client/protocol.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'
import type { WizardEventSink } from './event-sink.ts'

/**
 * Sends the protocol's events on Vite's HMR channel, and answers a page that says it is ready
 * with one snapshot of the current state (the page applies it idempotently, however many parts
 * of it ask).
 */
export class HmrEventSink implements WizardEventSink {
  private readonly onReady: Parameters<ViteDevServer['ws']['on']>[1]

  constructor(
    private readonly server: ViteDevServer,
    private readonly state: WizardStateStore,
  ) {
    this.onReady = (_data: unknown, client: { send: ViteDevServer['ws']['send'] }) => {
      client.send(WIZARD_EVENTS.state, this.snapshot())
    }
    server.ws.on(WIZARD_EVENTS.ready, this.onReady)
  }

  snapshot(): WizardStatePayload {
    const failures: WizardFailedPayload[] = []
    for (const record of this.state.failures()) {
      if (!record.lastError) continue
      failures.push({ wizardId: record.wizardId, file: record.file, timestamp: record.lastError.timestamp, error: record.lastError.error, keptPreviousVersion: record.current !== undefined })
    }
    return { failures, wizards: this.state.summaries() }
  }

  rolledBack(payload: WizardRolledBackPayload): void {
    this.server.ws.send(WIZARD_EVENTS.rolledBack, payload)
  }

  reloaded(payload: WizardReloadedPayload): void {
    this.server.ws.send(WIZARD_EVENTS.reloaded, payload)
  }

  failed(payload: WizardFailedPayload): void {
    this.server.ws.send(WIZARD_EVENTS.failed, payload)
  }

  removed(payload: WizardRemovedPayload): void {
    this.server.ws.send(WIZARD_EVENTS.removed, payload)
  }

  dispose(): void {
    this.server.ws.off(WIZARD_EVENTS.ready, this.onReady)
  }
}
