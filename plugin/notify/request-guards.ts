import type { CorsOptions } from 'vite'

/**
 * Vite's rule for the Host header (its `isHostAllowed` is internal): IP literals, `localhost` and
 * `*.localhost` always pass; otherwise the hostname must be listed in `server.allowedHosts`
 * (a leading dot allows subdomains), unless that is `true`.
 */
export function isHostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[] | true): boolean {
  if (allowedHosts === true || hostHeader === undefined) return true
  const hostname = hostnameOf(hostHeader)
  if (hostname === undefined) return false
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[')) return true
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  return allowedHosts.some((allowed) => allowed === hostname || (allowed.startsWith('.') && (allowed.slice(1) === hostname || hostname.endsWith(allowed))))
}

function hostnameOf(hostHeader: string): string | undefined {
  if (/[\s/?#@\\]/.test(hostHeader)) return undefined
  try {
    return new URL(`http://${hostHeader}`).hostname || undefined
  } catch {
    return undefined
  }
}

type CorsOrigin = CorsOptions['origin']

/**
 * A browser sends `Origin`; it may connect when the page is on this very server or when
 * `server.cors` allows its origin (Vite's default: localhost, 127.0.0.1 and [::1] on any port).
 * Clients that send no `Origin` (wscat, backends) are not browsers and pass.
 */
export async function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined, cors: boolean | CorsOptions | undefined): Promise<boolean> {
  if (origin === undefined) return true
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    return false
  }
  if (hostHeader !== undefined && originHost === hostHeader.toLowerCase()) return true
  if (cors === true) return true
  if (!cors) return false
  return matchesCorsOrigin(origin, cors.origin)
}

async function matchesCorsOrigin(origin: string, allowed: CorsOrigin): Promise<boolean> {
  if (allowed === undefined || allowed === '*' || allowed === true) return allowed !== undefined
  if (allowed === false) return false
  if (typeof allowed === 'string') return allowed === origin
  if (allowed instanceof RegExp) return allowed.test(origin)
  if (Array.isArray(allowed)) return allowed.some((entry) => (entry instanceof RegExp ? entry.test(origin) : entry === origin))
  if (typeof allowed === 'function') {
    const answer = await new Promise<CorsOrigin>((resolve) => allowed(origin, (error, result) => resolve(error ? false : result)))
    return typeof answer === 'function' ? false : matchesCorsOrigin(origin, answer)
  }
  return false
}
