/** Hosts the manifest grants (host_permissions, the bridge's content script): loopback. Any other is an optional grant. */
const LOOPBACK = new Set(['localhost', '127.0.0.1'])

/** An http(s) URL's origin, or undefined. */
export function httpOrigin(url: string | undefined): string | undefined {
  try {
    const parsed = new URL(url ?? '')
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined
  } catch {
    return undefined
  }
}

export function isLoopback(origin: string): boolean {
  return LOOPBACK.has(new URL(origin).hostname)
}

/** The permission (and content-script) pattern for a host: every port of it, as match patterns have no ports. */
export function hostPattern(origin: string): string {
  const { protocol, hostname } = new URL(origin)
  return `${protocol}//${hostname}/*`
}

/** The URL without its hash. */
export function withoutHash(url: string): string {
  return url.split('#', 1)[0]
}
