import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { refuseUpgrade } from '../notify/upgrade-route.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import { LinkEndpoint, type LinkEndpointOptions, type LinkRoute } from '../backend-link/link-endpoint.ts'
import type { BackendHub } from './backend-hub.ts'
import { proveThenAwaitHello } from '../backend-link/handshake.ts'
import { BACKEND_NONCE_HEADER, BACKEND_PATH, BACKEND_PROTOCOL_VERSION, type BackendMessage } from '../backend-link/protocol.ts'
import { sessionKey } from '../backend-link/token.ts'

/** What a backend sends is small (a hello, outcomes, the runner's calls): module code only flows the other way. */
const MAX_BACKEND_FRAME_BYTES = 4 * 1024 * 1024

export interface BackendEndpointOptions extends LinkEndpointOptions {
  token: string
  hub: BackendHub
  /** Takes a proven control client (the CLI): it asks questions, it loads nothing. */
  control: (socket: BackendSocket) => void
}

/**
 * Where backend processes connect: `BACKEND_PATH` on the dev server's own HTTP server. This
 * channel serves source code and runs it, so it takes only clients that prove they hold the
 * project's secret, with a Host the dev server allows — and no browser (any `Origin` is refused).
 * The proof goes both ways and the token never travels: the dev server's challenge proves it first,
 * then the backend's hello. A refusal says why (an HTTP answer, or the close reason).
 */
export class BackendEndpoint extends LinkEndpoint<BackendEndpointOptions> {
  protected upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (req.headers.origin !== undefined) return refuseUpgrade(socket, 403, 'browsers may not connect to the backend channel (it serves and runs source code)')
    const backendNonce = req.headers[BACKEND_NONCE_HEADER]
    if (typeof backendNonce !== 'string' || !/^[0-9a-f]{32,128}$/.test(backendNonce)) {
      return refuseUpgrade(
        socket,
        400,
        `no ${BACKEND_NONCE_HEADER} header: this backend's vite-plugin-wizard-hot-reload is older than the dev server's (protocol ${BACKEND_PROTOCOL_VERSION}); update it`,
      )
    }
    const address = req.socket.remoteAddress ?? null
    this.take(req, socket, head, (taken) => this.authenticate(taken, backendNonce, address))
  }

  /** The dev server proves it holds the token, then waits for the backend's proof in its hello; only then the hub hears of it. */
  private authenticate(socket: BackendSocket, backendNonce: string, address: string | null): void {
    const handshake = {
      socket,
      key: this.options.token,
      clientNonce: backendNonce,
      clientRole: 'backend',
      protocol: BACKEND_PROTOCOL_VERSION,
      heartbeatMs: this.heartbeatMs,
      wrongProof: "wrong token: this is not the token of this dev server's project",
    } as const
    proveThenAwaitHello(handshake, ({ hello, serverNonce }) => {
      // Every later frame, both ways, is signed with this connection's key: nothing can be slipped in.
      socket.sign(sessionKey(this.options.token, backendNonce, serverNonce), 'dev-server')
      const backend = hello as unknown as Extract<BackendMessage, { type: 'hello' }>
      if (backend.role === 'control') this.options.control(socket)
      else this.options.hub.accept(socket, address, backend)
    })
  }

  static readonly route: LinkRoute = { path: BACKEND_PATH, maxPayload: MAX_BACKEND_FRAME_BYTES }
}
