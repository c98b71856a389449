import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Http2SecureServer } from 'node:http2'
import type { Duplex } from 'node:stream'

export type UpgradeableServer = HttpServer | Http2SecureServer

/**
 * One WebSocket path on any number of HTTP servers (the dev server's own, or the user's in
 * middleware mode): upgrade requests for `path` go to `handle`, all others are left to their
 * owners (Vite's HMR socket among them).
 */
export class UpgradeRoute {
  private readonly detachers = new Map<UpgradeableServer, () => void>()

  constructor(
    private readonly path: string,
    private readonly handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {}

  attach(httpServer: UpgradeableServer): () => void {
    const existing = this.detachers.get(httpServer)
    if (existing) return existing
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (pathOf(req.url) === this.path) this.handle(req, socket, head)
    }
    httpServer.on('upgrade', onUpgrade)
    const detach = () => {
      httpServer.off('upgrade', onUpgrade)
      this.detachers.delete(httpServer)
    }
    this.detachers.set(httpServer, detach)
    return detach
  }

  detachAll(): void {
    for (const detach of [...this.detachers.values()]) detach()
  }
}

/** The request's path, without its query and trailing slashes. */
export function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?', 1)[0].replace(/(.)\/+$/, '$1')
}
