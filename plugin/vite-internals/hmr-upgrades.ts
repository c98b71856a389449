import type { IncomingMessage } from 'node:http'
import type { ViteDevServer, WebSocketClient } from 'vite'

/** The headers of the HTTP request that opened one HMR socket: who asked for it, and where it was sent. */
export interface UpgradeHeaders {
  origin: string | undefined
  host: string | undefined
}

/**
 * Which HTTP upgrade opened each socket of Vite's HMR server. Vite's custom-event listeners get a
 * client whose `socket` is the raw `ws` socket (public, "advanced"); that it is the very object
 * Vite passes with the upgrade request to its ws server's `'connection'` event
 * (`wss.emit('connection', ws, req)`) is Vite's implementation, not its documentation: checked by
 * hmr-upgrades.contract.test.ts. Only the two headers are kept (not the request), keyed weakly.
 */
export class HmrUpgrades {
  private readonly bySocket = new WeakMap<object, UpgradeHeaders>()
  private readonly onConnection = (socket: object, request: IncomingMessage | undefined) => {
    if (!request) return
    this.bySocket.set(socket, { origin: request.headers.origin, host: request.headers.host })
  }

  constructor(private readonly ws: ViteDevServer['ws']) {
    // Registered before the server listens (configureServer): no socket predates it.
    ws.on('connection', this.onConnection)
  }

  /** The upgrade's headers, or undefined for a socket this never saw open (which is then trusted with nothing). */
  of(client: Pick<WebSocketClient, 'socket'> | undefined): UpgradeHeaders | undefined {
    const socket = client?.socket
    return typeof socket === 'object' && socket !== null ? this.bySocket.get(socket) : undefined
  }

  dispose(): void {
    this.ws.off('connection', this.onConnection)
  }
}
