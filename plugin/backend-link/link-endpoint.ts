import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { UpgradeRoute, type UpgradeableServer } from '../notify/upgrade-route.ts'
import { BackendSocket } from './backend-socket.ts'

/** What both endpoints are given: the Hosts the dev server allows, and how often to ping. */
export interface LinkEndpointOptions {
  allowedHosts: readonly string[] | true
  /** How often the dev server pings each client (one unanswered interval drops it). @default 15000 */
  heartbeatMs?: number
}

/**
 * A WebSocket path on the dev server's own HTTP server for clients that prove who they are (backend
 * processes, the paired browser extension): the route, the socket server, the heartbeat. A subclass
 * checks each upgrade request (`upgrade`) and hands the ones it takes to `take`.
 */
export abstract class LinkEndpoint {
  private readonly wss: WebSocketServer
  private readonly route: UpgradeRoute
  private closed = false

  constructor(
    path: string,
    maxPayload: number,
    private readonly heartbeat: number | undefined,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false, perMessageDeflate: false })
    this.route = new UpgradeRoute(path, (req, socket, head) => {
      if (this.closed) return
      socket.on('error', () => socket.destroy())
      this.upgrade(req, socket, head)
    })
  }

  protected get heartbeatMs(): number {
    return this.heartbeat ?? 15_000
  }

  attach(httpServer: UpgradeableServer): () => void {
    return this.route.attach(httpServer)
  }

  close(): void {
    this.closed = true
    this.route.detachAll()
    this.wss.close()
  }

  /** Refuses the request (`refuseUpgrade`), or takes it. */
  protected abstract upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void

  /** Completes the upgrade: the client's socket, pinged every `heartbeatMs`. */
  protected take(req: IncomingMessage, socket: Duplex, head: Buffer, then: (socket: BackendSocket) => void): void {
    this.wss.handleUpgrade(req, socket, head, (client) => {
      const wrapped = new BackendSocket(client)
      wrapped.keepAlive(this.heartbeatMs)
      then(wrapped)
    })
  }
}
