/**
 * What the dev server knows about where its own pages live, for `isOwnOrigin`. Gathered afresh for
 * each check (dev-server-origins.ts): ports and resolved URLs are only known once it listens.
 */
export interface OwnOriginFacts {
  /** Ports the dev server's pages are served on: its HTTP server's, servers the plugin is attached to, ports its middlewares answered on. */
  ports: ReadonlySet<number>
  /** Host names and addresses the dev server is reached by on those ports, lower case: its resolved URLs' hosts. */
  names: ReadonlySet<string>
  /** `server.allowedHosts`: the names the user said this dev server answers to. */
  allowedHosts: readonly string[] | true
  /** Whole origins (`scheme://host[:port]`) trusted on their own port too: `server.origin` and the plugin's `trustedOrigins`. */
  origins: ReadonlySet<string>
}

/**
 * True when a request carrying `origin` (the browser's `Origin` header) and sent with `host` (its
 * `Host` header) comes from one of the dev server's own pages — or from no browser at all:
 *
 * 1. no `Origin`: not a browser (curl, the CLI, a script); a local process can read the project's
 *    files anyway, and Vite's own HMR socket takes such clients without its token too;
 * 2. `Origin` names the very host the request was sent to (`Origin` host = `Host`): a page of this
 *    server talking to its own port. `Host` passed Vite's `server.allowedHosts` check first, so a
 *    DNS-rebinding name gets here only when that check is off (`allowedHosts: true`), as for Vite;
 * 3. `Origin` is `server.origin` or one listed in `trustedOrigins`, exactly;
 * 4. `Origin` is http(s) on one of the dev server's own ports, with a host name the dev server is
 *    reached by: `localhost` (and `*.localhost`), `127.0.0.1`, `[::1]`, its resolved URLs' hosts,
 *    or a name `server.allowedHosts` lists (as Vite matches it: exact, or `.suffix`).
 *
 * Anything else — another port on localhost above all, `null` (sandboxed frames, `file:`), other
 * schemes — is not the dev server's page. Why ports matter: any program can serve a page on
 * `127.0.0.1:9999`, and Vite's default `server.cors` lets such a page read `/@vite/client` (and its
 * HMR token); only the dev server itself serves pages on its own port.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined, facts: OwnOriginFacts): boolean {
  if (origin === undefined) return true
  const url = parseOrigin(origin)
  if (!url) return false
  if (host !== undefined && url.host === host.trim().toLowerCase()) return true
  if (facts.origins.has(url.origin)) return true
  return facts.ports.has(portOf(url)) && isOwnName(url.hostname, facts)
}

/** An http(s) origin as the URL parser reads it, or undefined (`null`, `file://`, extension schemes, garbage). */
export function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function isOwnName(hostname: string, facts: OwnOriginFacts): boolean {
  if (LOOPBACK.has(hostname) || hostname.endsWith('.localhost') || facts.names.has(hostname)) return true
  // Not `true`: "any Host" says nothing about which names lead here (a page on evil.example:5173 is someone else's).
  if (facts.allowedHosts === true) return false
  return facts.allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase()
    return allowed === hostname || (allowed.startsWith('.') && (allowed.slice(1) === hostname || hostname.endsWith(allowed)))
  })
}
