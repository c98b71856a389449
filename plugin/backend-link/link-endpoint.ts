import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { isHostAllowed } from '../notify/request-guards.ts'
import { refuseUpgrade, UpgradeRoute, type UpgradeableServer } from '../notify/upgrade-route.ts'
import { BackendSocket } from './backend-socket.ts'

/** What both endpoints are given: the Hosts the dev server allows, and how often to ping. */
export interface LinkEndpointOptions {
  allowedHosts: readonly string[] | true
  /** How often the dev server pings each client (one unanswered interval drops it). @default 15000 */
  heartbeatMs?: number
}

/** Where an endpoint listens (its WebSocket path) and the largest frame it takes. */
export interface LinkRoute {
  path: string
  maxPayload: number
}

/**
 * A WebSocket path on the dev server's own HTTP server for clients that prove who they are (backend
 * processes, the paired browser extension): the route, the Host check (Vite's, against
 * `server.allowedHosts`), the socket server, the heartbeat. A subclass checks the rest of each
 * upgrade request (`upgrade`) and hands the ones it takes to `take`.
 */
export abstract class LinkEndpoint<Options extends LinkEndpointOptions = LinkEndpointOptions> {
  private readonly wss: WebSocketServer
  private readonly route: UpgradeRoute
  private closed = false

  constructor(protected readonly options: Options) {
    // Each subclass says where it listens and the largest frame it takes: `static readonly route: LinkRoute`.
    const declared = (new.target as unknown as { route?: LinkRoute }).route
    if (!declared) throw new Error(`${new.target.name} declares no static route (its path and frame limit)`)
    const { path, maxPayload } = declared
    const link: LinkEndpointOptions = options
    this.wss = new WebSocketServer({ noServer: true, maxPayload, clientTracking: false, perMessageDeflate: false })
    this.route = new UpgradeRoute(path, (req, socket, head) => {
      if (this.closed) return
      socket.on('error', () => socket.destroy())
      if (!isHostAllowed(req.headers.host, link.allowedHosts))
        return refuseUpgrade(socket, 403, `Host "${req.headers.host}" is not allowed (see server.allowedHosts)`)
      this.upgrade(req, socket, head)
    })
  }

  protected get isClosed(): boolean {
    return this.closed
  }

  protected get heartbeatMs(): number {
    return this.options.heartbeatMs ?? 15_000
  }

  attach(httpServer: UpgradeableServer): () => void {
    return this.route.attach(httpServer)
  }

  close(): void {
    this.closed = true
    this.route.detachAll()
    this.wss.close()
  }

  /** Refuses the request (`refuseUpgrade`), or takes it (its Host was allowed). */
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
