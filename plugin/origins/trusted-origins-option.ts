import { parseOrigin } from './own-origin.ts'

/**
 * `trustedOrigins`: pages the dev server does not serve on its own port that may still get its events, use the
 * panel's requests and read the status endpoint (an app rendered by a backend on :8000 that loads
 * `http://localhost:5173/@vite/client`, a proxy that rewrites `Host`). Each entry is one exact
 * origin; anything else (a path, a wildcard, `*`) is a warning and is skipped — the list never
 * widens to "any".
 */
export function resolveTrustedOrigins(value: unknown, warn: (message: string) => void): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    warn(`options.trustedOrigins must be an array of origins like "http://localhost:3000"; trusting no other origin.`)
    return []
  }
  const origins: string[] = []
  for (const entry of value) {
    const url = typeof entry === 'string' ? parseOrigin(entry.trim()) : undefined
    if (!url || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      warn(`options.trustedOrigins: ${JSON.stringify(entry)} is not an origin (scheme://host[:port], http or https, no path); skipping it.`)
      continue
    }
    if (!origins.includes(url.origin)) origins.push(url.origin)
  }
  return origins
}
