/**
 * A browser extension's origin: `chrome-extension://` and 32 letters a–p (Chromium, Chrome, Edge,
 * Brave…) or `moz-extension://` and a UUID (Firefox). No web page can send such an `Origin`: the
 * browser sets it, so it tells an extension's connection from any page's.
 */
export function isExtensionOrigin(origin: string | undefined): origin is string {
  return origin !== undefined && (CHROMIUM.test(origin) || FIREFOX.test(origin))
}

const CHROMIUM = /^chrome-extension:\/\/[a-p]{32}$/
const FIREFOX = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
