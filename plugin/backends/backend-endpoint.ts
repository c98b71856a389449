import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { UpgradeRoute, type UpgradeableServer } from '../notify/upgrade-route.ts'
import { isHostAllowed } from '../notify/request-guards.ts'
import { BackendSocket, MAX_FRAME_BYTES } from './backend-socket.ts'
import type { BackendHub } from './backend-hub.ts'
import { BACKEND_PATH } from './protocol.ts'
import { sameToken } from './token.ts'

export interface BackendEndpointOptions {
  token: string
  allowedHosts: readonly string[] | true
  hub: BackendHub
  /** How often the dev server pings each backend (one unanswered interval drops it). @default 15000 */
  heartbeatMs?: number
}

/**
 * Where backend processes connect: `BACKEND_PATH` on the dev server's own HTTP server. This
 * channel serves source code and runs it, so it takes only clients that present the project's
 * secret (`Authorization: Bearer …`), with a Host the dev server allows — and no browser (any
 * `Origin` is refused). Each refusal says why, in the HTTP answer the backend prints.
 */
export class BackendEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false, perMessageDeflate: false })
  private readonly route = new UpgradeRoute(BACKEND_PATH, (req, socket, head) => {
    if (!this.closed) this.handleUpgrade(req, socket, head)
  })
  private closed = false

  constructor(private readonly options: BackendEndpointOptions) {}

  attach(httpServer: UpgradeableServer): () => void {
    return this.route.attach(httpServer)
  }

  close(): void {
    this.closed = true
    this.route.detachAll()
    this.wss.close()
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    if (req.headers.origin !== undefined) return refuse(socket, 403, 'browsers may not connect to the backend channel (it serves and runs source code)')
    if (!isHostAllowed(req.headers.host, this.options.allowedHosts)) return refuse(socket, 403, `Host "${req.headers.host}" is not allowed (see server.allowedHosts)`)
    const header = req.headers.authorization
    if (!header) return refuse(socket, 401, 'no token: send the dev server\'s backend token (connectWizardHotReload finds it under node_modules/.vite/)')
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    if (!sameToken(this.options.token, token)) return refuse(socket, 401, 'wrong token: this is not the token of this dev server\'s project')
    const address = req.socket.remoteAddress ?? null
    this.wss.handleUpgrade(req, socket, head, (client) => {
      const wrapped = new BackendSocket(client)
      wrapped.keepAlive(this.options.heartbeatMs ?? 15_000)
      this.options.hub.accept(wrapped, address)
    })
  }
}

function refuse(socket: Duplex, status: 401 | 403, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Forbidden'
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`)
}
