import type { AddressInfo } from 'node:net'
import type { Connect, ViteDevServer } from 'vite'
import { isOwnOrigin, parseOrigin, type OwnOriginFacts } from './own-origin.ts'

interface Listening {
  address(): AddressInfo | string | null
}

/**
 * One dev server's own origins (see own-origin.ts for the rule), from what it knows now: its HTTP
 * server's port, the servers the plugin is attached to (middleware mode), its resolved URLs,
 * `server.origin`, `server.allowedHosts`, and the plugin's `trustedOrigins`.
 */
export class DevServerOrigins {
  private readonly servers = new Set<Listening>()
  private readonly servedPorts = new Set<number>()
  private readonly listed: ReadonlySet<string>

  constructor(
    private readonly server: ViteDevServer,
    trustedOrigins: readonly string[],
  ) {
    this.listed = new Set([...trustedOrigins, server.config.server.origin].flatMap((origin) => (origin ? originsOf(origin) : [])))
  }

  /** A server the plugin serves its endpoints on (middleware mode's own): its port is the dev server's. Returns a function that forgets it. */
  addServer(httpServer: object): () => void {
    const listening = httpServer as Listening
    if (typeof listening.address !== 'function') return () => {}
    this.servers.add(listening)
    return () => this.servers.delete(listening)
  }

  /**
   * Notes the port of every request the dev server's middlewares see: in middleware mode without
   * `hmr.server`, the app's server (say :3000) is known no other way, while Vite's HMR socket
   * listens on a port of its own (24678). A request reaching these middlewares was accepted by a
   * server running them — the dev server's pages come from that port.
   */
  readonly notePort: Connect.NextHandleFunction = (req, _res, next) => {
    const port = req.socket?.localPort
    if (typeof port === 'number') this.servedPorts.add(port)
    next()
  }

  isOwn(origin: string | undefined, host: string | undefined): boolean {
    return isOwnOrigin(origin, host, this.facts())
  }

  private facts(): OwnOriginFacts {
    const ports = new Set(this.servedPorts)
    for (const listening of [this.server.httpServer as Listening | null, ...this.servers]) {
      const address = listening?.address()
      if (address && typeof address === 'object') ports.add(address.port)
    }
    const urls = this.server.resolvedUrls
    const names = new Set([...(urls?.local ?? []), ...(urls?.network ?? [])].flatMap((url) => parseOrigin(url)?.hostname ?? []))
    return { ports, names, allowedHosts: this.server.config.server.allowedHosts, origins: this.listed }
  }
}

function originsOf(value: string): string[] {
  const origin = parseOrigin(value)?.origin
  return origin ? [origin] : []
}
