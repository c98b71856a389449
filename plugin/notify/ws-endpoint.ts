import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { CorsOptions } from 'vite'
import { WebSocketServer, WebSocket, type RawData } from 'ws'
import {
  REFERENCE_CONNECTED_MESSAGE,
  type ReferenceMessage,
  type WizardFailedPayload,
  type WizardReloadedPayload,
  type WizardRemovedPayload,
  type WizardRolledBackPayload,
} from '../../client/protocol.ts'
import type { WizardEventSink } from './event-sink.ts'
import { isHostAllowed, isOriginAllowed } from './request-guards.ts'
import { UpgradeRoute, type UpgradeableServer } from './upgrade-route.ts'

export type { UpgradeableServer }

export interface ReferenceWebSocketEndpointOptions {
  /** URL path, e.g. `/ws/hot-reload`. */
  path: string
  /** `server.allowedHosts` as Vite resolved it. */
  allowedHosts: readonly string[] | true
  /** `server.cors` as Vite resolved it. */
  cors: boolean | CorsOptions | undefined
  /** Total successful reloads, for `reload_count`. */
  getReloadCount: () => number
  /** A client that has not answered a ping for this long is dropped. @default 30000 */
  heartbeatMs?: number
  /** A client whose unsent data grows past this is dropped instead of slowing the others. @default 1 MiB */
  maxBufferedBytes?: number
  /** Largest frame accepted from a client. @default 64 KiB */
  maxPayload?: number
}

interface ClientState {
  alive: boolean
}

/**
 * The reference protocol on a plain WebSocket: `connected`, `wizard_reloaded`,
 * `wizard_reload_failed`, `wizard_removed`, and `ping` → `pong`. Shares the dev server's port
 * (`noServer` + the HTTP server's `upgrade` event) and leaves Vite's own HMR socket alone.
 */
export class ReferenceWebSocketEndpoint implements WizardEventSink {
  private readonly wss: WebSocketServer
  private readonly clients = new Map<WebSocket, ClientState>()
  private readonly route: UpgradeRoute
  private readonly heartbeat: NodeJS.Timeout
  private readonly maxBufferedBytes: number
  private closed = false

  constructor(private readonly options: ReferenceWebSocketEndpointOptions) {
    this.route = new UpgradeRoute(options.path, (req, socket, head) => {
      if (!this.closed) void this.handleUpgrade(req, socket, head)
    })
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024, clientTracking: false })
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatMs ?? 30_000)
    this.heartbeat.unref()
  }

  get connectionCount(): number {
    return this.clients.size
  }

  /** Serves the endpoint on an HTTP server's upgrade requests; returns a function that stops it. */
  attach(httpServer: UpgradeableServer): () => void {
    return this.route.attach(httpServer)
  }

  reloaded({ wizardId, reloadCount, durationMs, reason, backends, patched, fallback }: WizardReloadedPayload): void {
    const message: ReferenceMessage = {
      event: 'wizard_reloaded',
      wizard_id: wizardId,
      success: true,
      reload_count: this.options.getReloadCount(),
      wizard_reload_count: reloadCount,
      duration_ms: durationMs,
      reason,
    }
    if (backends) message.backends = { ok: backends.ok, total: backends.total, failed: backends.failed.map((entry) => entry.name) }
    if (patched) message.patched = patched
    if (fallback) message.fallback = fallback
    this.broadcast(message)
  }

  failed({ wizardId, error }: WizardFailedPayload): void {
    this.broadcast({ event: 'wizard_reload_failed', wizard_id: wizardId, success: false, error: error.message, kind: error.kind })
  }

  removed({ wizardId }: WizardRemovedPayload): void {
    this.broadcast({ event: 'wizard_removed', wizard_id: wizardId })
  }

  rolledBack({ wizardId, version, pinned }: WizardRolledBackPayload): void {
    this.broadcast({ event: 'wizard_rolled_back', wizard_id: wizardId, version, pinned })
  }

  /** Closes every connection (1001 "going away") and stops listening for upgrades. */
  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    this.route.detachAll()
    for (const socket of this.clients.keys()) socket.close(1001, 'dev server closing')
    this.clients.clear()
    this.wss.close()
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    if (!isHostAllowed(req.headers.host, this.options.allowedHosts)) return refuse(socket, 403, 'Host not allowed (see server.allowedHosts)')
    if (!(await isOriginAllowed(req.headers.origin, req.headers.host, this.options.cors))) return refuse(socket, 403, 'Origin not allowed (see server.cors)')
    if (this.closed) return refuse(socket, 503, 'closing')
    this.wss.handleUpgrade(req, socket, head, (client) => this.onConnection(client))
  }

  private onConnection(client: WebSocket): void {
    const state: ClientState = { alive: true }
    this.clients.set(client, state)
    client.on('pong', () => (state.alive = true))
    client.on('message', (data, isBinary) => this.onMessage(client, data, isBinary))
    client.on('error', () => client.terminate())
    client.on('close', () => this.clients.delete(client))
    this.sendTo(client, { event: 'connected', message: REFERENCE_CONNECTED_MESSAGE, active_connections: this.clients.size })
  }

  private onMessage(client: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) return
    const text = String(data).trim()
    if (text.toLowerCase() === 'ping' || isJsonPing(text)) this.sendTo(client, { event: 'pong' })
  }

  private broadcast(message: ReferenceMessage): void {
    const frame = JSON.stringify(message)
    for (const client of this.clients.keys()) this.sendFrame(client, frame)
  }

  private sendTo(client: WebSocket, message: ReferenceMessage): void {
    this.sendFrame(client, JSON.stringify(message))
  }

  /** Never waits on a client: one whose unsent data piles up past the cap is dropped. */
  private sendFrame(client: WebSocket, frame: string): void {
    if (client.readyState !== WebSocket.OPEN) return
    client.send(frame)
    if (client.bufferedAmount > this.maxBufferedBytes) {
      this.clients.delete(client)
      client.terminate()
    }
  }

  private checkHeartbeats(): void {
    for (const [client, state] of this.clients) {
      if (!state.alive) {
        this.clients.delete(client)
        client.terminate()
        continue
      }
      state.alive = false
      client.ping()
    }
  }
}

function isJsonPing(text: string): boolean {
  if (!text.startsWith('{')) return false
  try {
    const parsed = JSON.parse(text) as { event?: unknown; type?: unknown }
    return parsed.event === 'ping' || parsed.type === 'ping'
  } catch {
    return false
  }
}

function refuse(socket: Duplex, status: 403 | 503, reason: string): void {
  const text = status === 403 ? 'Forbidden' : 'Service Unavailable'
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`)
}
