import type { ViteDevServer } from 'vite'
import type {} from '../../client/vite-custom-events.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardReloadedPayload, type WizardRemovedPayload } from '../../client/protocol.ts'
import type { WizardEventSink } from './event-sink.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'

/**
 * Sends the protocol's events on Vite's HMR channel, and answers a page that says it is ready
 * with the failures that are still present (so a reload shows them again).
 */
export class HmrEventSink implements WizardEventSink {
  private readonly onReady: Parameters<ViteDevServer['ws']['on']>[1]

  constructor(
    private readonly server: ViteDevServer,
    private readonly state: WizardStateStore,
  ) {
    this.onReady = (_data: unknown, client: { send: ViteDevServer['ws']['send'] }) => {
      for (const record of this.state.failures()) {
        if (!record.lastError) continue
        client.send(WIZARD_EVENTS.failed, {
          wizardId: record.wizardId,
          file: record.file,
          timestamp: record.lastError.timestamp,
          error: record.lastError.error,
          keptPreviousVersion: record.wizardClass !== null,
        })
      }
    }
    server.ws.on(WIZARD_EVENTS.ready, this.onReady)
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
