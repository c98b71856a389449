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

/** Answers an upgrade request with a plain HTTP refusal (the socket is never upgraded). */
export function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404, reason: string): void {
  const text = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Not Found'
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  )
}

const refusing = new WeakMap<UpgradeableServer, Set<string>>()

/** Upgrade requests for `path` on this server get a 404 with `reason` (once per server and path). */
export function refuseUpgradesAt(httpServer: UpgradeableServer, path: string, reason: string): void {
  const paths = refusing.get(httpServer) ?? new Set<string>()
  if (paths.has(path)) return
  paths.add(path)
  refusing.set(httpServer, paths)
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (pathOf(req.url) === path) refuseUpgrade(socket, 404, reason)
  })
}
