import { isHostAllowed as viteIsHostAllowed } from 'host-validation-middleware'
import type { CorsOptions } from 'vite'
import { isExtensionOrigin } from '../extension-link/extension-origin.ts'

/**
 * Vite's rule for the Host header, by Vite's own code: the `host-validation-middleware` package
 * Vite bundles (same version range) — IPv4/IPv6 literals exactly as `net.isIP` reads them,
 * `localhost` and `*.localhost`, else a name `server.allowedHosts` lists (a leading dot allows
 * subdomains); `true` allows any. The name is compared as sent: no `new URL()` normalising first,
 * which turned `127.1`, `0x7f000001` and `LOCALHOST` into allowed hosts that Vite refuses.
 */
export function isHostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[] | true): boolean {
  return allowedHosts === true || viteIsHostAllowed(hostHeader, allowedHosts)
}

type CorsOrigin = CorsOptions['origin']

/**
 * A browser sends `Origin`; it may connect when the page is on this very server or when
 * `server.cors` allows its origin (Vite's default: localhost, 127.0.0.1 and [::1] on any port).
 * Clients that send no `Origin` (wscat, backends) are not browsers and pass. A browser extension
 * never does, whatever `server.cors` says: it connects to its own endpoint, with its pairing.
 */
export async function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined, cors: boolean | CorsOptions | undefined): Promise<boolean> {
  if (origin === undefined) return true
  if (isExtensionOrigin(origin)) return false
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
