import { describeThrown } from '../errors/thrown-value.ts'
import type { ExtensionClientMessage, ExtensionServerMessage } from '../../client/extension-wire.ts'
import { EXTENSION_CLOSE } from '../../client/extension-wire.ts'
import { WIZARD_EVENTS, type ExtensionStatusEntry, type WizardStatePayload } from '../../client/protocol.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import { sinkOf, type WizardEventSink } from '../notify/event-sink.ts'
import { answerRequest, type RequestHandlers } from '../requests/page-requests.ts'
import type { ExtensionPairing, ExtensionPairings } from './extension-pairings.ts'

export interface ExtensionClientsOptions {
  /** The current state, as a page that says it is ready gets it (notify/hmr-events.ts). */
  snapshot: () => WizardStatePayload
  /** The panel's requests, answered the same way (the extension cannot ask for pairing offers). */
  handlers: RequestHandlers
  pairings: ExtensionPairings
  /** Says a problem of the dev server's own (the pairings file could not be written). */
  problem: (message: string) => void
  /** An extension whose unsent data grows past this is dropped instead of piling up. @default 1 MiB */
  maxBufferedBytes?: number
}

/**
 * The paired extensions connected now: each gets what the dev server's own pages get on Vite's HMR
 * channel — the snapshot when it says it is ready, then every event — and asks what the panel asks.
 */
export class ExtensionClients {
  readonly sink: Required<WizardEventSink> = sinkOf((event, payload) => {
    for (const socket of this.connected.keys()) this.send(socket, { type: 'event', event: WIZARD_EVENTS[event], data: payload })
  })
  private readonly connected = new Map<BackendSocket, ExtensionPairing>()

  constructor(private readonly options: ExtensionClientsOptions) {}

  accept(socket: BackendSocket, pairing: ExtensionPairing): void {
    this.connected.set(socket, pairing)
    socket.onClose(() => this.connected.delete(socket))
    socket.onMessage((message) => this.receive(socket, pairing, message as Partial<ExtensionClientMessage>))
  }

  /** Pairings, and whether each is connected now (for the status endpoint). */
  status(): ExtensionStatusEntry[] {
    const live = new Set([...this.connected.values()].map((pairing) => pairing.id))
    return this.options.pairings.list().map((pairing) => ({
      origin: pairing.origin,
      paired_at: pairing.pairedAt,
      browser: pairing.browser ?? '',
      connected: live.has(pairing.id),
    }))
  }

  close(): void {
    for (const socket of this.connected.keys()) socket.close(1001, 'dev server closing')
    this.connected.clear()
  }

  private receive(socket: BackendSocket, pairing: ExtensionPairing, message: Partial<ExtensionClientMessage>): void {
    if (message.type === 'ping') this.send(socket, { type: 'pong' })
    else if (message.type === 'unpair') {
      try {
        this.options.pairings.remove(pairing.id)
      } catch (error) {
        this.options.problem(`could not forget the browser extension's pairing (${pairing.origin}): ${describeThrown(error)}`)
      }
      socket.close(EXTENSION_CLOSE.unpaired, 'unpaired')
    } else if (message.type === 'event' && message.event === WIZARD_EVENTS.ready) {
      this.send(socket, { type: 'event', event: WIZARD_EVENTS.state, data: this.options.snapshot() })
    } else if (message.type === 'event' && message.event === WIZARD_EVENTS.request) {
      void answerRequest(this.options.handlers, message.data).then((reply) => this.send(socket, { type: 'event', event: WIZARD_EVENTS.reply, data: reply }))
    }
  }

  /** Never waits on an extension: one whose unsent data piles up past the cap is dropped (it reconnects and gets a snapshot). */
  private send(socket: BackendSocket, message: ExtensionServerMessage): void {
    socket.send(message)
    if (socket.socket.bufferedAmount > (this.options.maxBufferedBytes ?? 1024 * 1024)) {
      this.connected.delete(socket)
      socket.socket.terminate()
    }
  }
}
