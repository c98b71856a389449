import type { ViteDevServer, WebSocketClient } from 'vite'
import { HmrUpgrades } from '../vite-internals/hmr-upgrades.ts'
import type { DevServerOrigins } from './dev-server-origins.ts'

/** Distinct refused origins named in the terminal; past this, they are only refused. */
const MAX_WARNED_ORIGINS = 20

type Client = Pick<WebSocketClient, 'socket'> | undefined

/**
 * Which of Vite's HMR sockets belong to the dev server's own pages (own-origin.ts): only those may
 * send the panel's requests (rollback, undo, retry, diffs, history) and receive the plugin's events
 * and state (code frames, absolute paths). Vite's token is not enough: any page on another localhost
 * port may read it from `/@vite/client` (Vite's default `server.cors`).
 */
export class PageTrust {
  private readonly upgrades: HmrUpgrades
  // A socket found to be an own page's stays one (a page's origin does not change while it is open).
  private readonly trusted = new WeakSet<object>()
  private readonly warned = new Set<string>()

  constructor(
    server: ViteDevServer,
    private readonly origins: DevServerOrigins,
    private readonly warn: (message: string) => void,
  ) {
    this.upgrades = new HmrUpgrades(server.ws)
  }

  /** True when this client's socket was opened by one of the dev server's own pages. */
  trusts(client: Client): boolean {
    const socket = client?.socket
    if (socket && this.trusted.has(socket)) return true
    const upgrade = this.upgrades.of(client)
    // Fail closed: a socket whose upgrade was not seen cannot be told apart from a foreign page's.
    if (!socket || !upgrade || !this.origins.isOwn(upgrade.origin, upgrade.host)) {
      if (upgrade) this.warnOnce(String(upgrade.origin))
      return false
    }
    this.trusted.add(socket)
    return true
  }

  /** Why this client's panel requests are refused, or undefined when it may send them. */
  refusal(client: Client): string | undefined {
    if (this.trusts(client)) return undefined
    const origin = this.upgrades.of(client)?.origin
    if (origin === undefined) return 'refused: the dev server did not see this connection open, so it cannot tell whose page it is; reload the page'
    return `refused: a page on ${origin} is not one of this dev server's own pages (to allow it, list it in the plugin's trustedOrigins option)`
  }

  dispose(): void {
    this.upgrades.dispose()
  }

  private warnOnce(origin: string): void {
    if (this.warned.has(origin) || this.warned.size >= MAX_WARNED_ORIGINS) return
    this.warned.add(origin)
    this.warn(
      `a page on ${origin} is connected to Vite's HMR socket but is not one of the dev server's own pages: ` +
        `it gets no wizard events and its panel requests (rollback, undo, retry, history, diffs) are refused. ` +
        `If that page is yours, add "${origin}" to the plugin's trustedOrigins option.`,
    )
  }
}
