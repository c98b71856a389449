/**
 * Vite's browser client (`/@vite/client`) is the one module every dev page loads — HTML pages Vite
 * serves and pages an SSR framework renders alike. Its file is `vite/dist/client/client.mjs`
 * (`CLIENT_ENTRY` in Vite's constants; `bundledDevClient.mjs` in full-bundle mode): an internal
 * path, checked by vite-internals.contract.test.ts. A plugin's `transform` sees it like any module.
 */
const CLIENT_ENTRY = /[\\/]vite[\\/]dist[\\/]client[\\/](?:client|bundledDevClient)\.mjs$/

/** True for the id of Vite's browser client module. */
export function isViteClient(id: string): boolean {
  return CLIENT_ENTRY.test(id.split('?', 1)[0])
}

/**
 * What to append to Vite's client so it loads `url` once it has run. A dynamic import by a
 * non-literal URL: Vite leaves it alone, so the browser sees the very URL an HTML page's own
 * `<script src>` may name too — one module, evaluated once per page.
 */
export function loadAfterViteClient(url: string): string {
  return `\n;{ const wizardHotReloadOverlay = ${JSON.stringify(url)}; import(/* @vite-ignore */ wizardHotReloadOverlay).catch((error) => console.warn('[wizard-hot-reload] the overlay did not load:', error)) }\n`
}
