import type { HtmlTagDescriptor } from 'vite'
import { locatePackageFile, PACKAGE_NAME } from '../package-files.ts'
import type { ResolvedOverlayOptions } from '../options.ts'

/** Public URL of the overlay module (after Vite's `base`); usable in backend-rendered HTML too. */
export const OVERLAY_PUBLIC_PATH = '/@wizard-hot-reload/overlay.js'
/** The prebuilt bundle itself, imported by the overlay module. */
export const OVERLAY_BUNDLE_PUBLIC_PATH = OVERLAY_PUBLIC_PATH.replace(/\.js$/, '-bundle.js')
/** Their ids in Vite's module graph (virtual modules). */
export const OVERLAY_VIRTUAL_ID = '\0wizard-hot-reload:overlay'
export const OVERLAY_BUNDLE_VIRTUAL_ID = `${OVERLAY_VIRTUAL_ID}-bundle`

/** The prebuilt overlay bundle (`dist/client/overlay.js`) of this package, wherever it is installed. */
export function locateOverlayBundle(from?: string): string | undefined {
  return locatePackageFile('dist/client/overlay.js', from)
}

export interface OverlayModuleContext {
  overlay: ResolvedOverlayOptions
  base: string
  root: string
}

export const MISSING_BUNDLE_MESSAGE = `[wizard-hot-reload] the overlay bundle is missing from ${PACKAGE_NAME}/dist/client; reinstall the package (or run "npm run build" in its repository).`

/** The overlay module: mounts the prebuilt bundle with this server's options and `import.meta.hot`. */
export function overlayModuleCode(bundleFile: string | undefined, context: OverlayModuleContext): string {
  if (!bundleFile) return `console.warn(${JSON.stringify(MISSING_BUNDLE_MESSAGE)})\n`
  const options = { position: context.overlay.position, successTimeout: context.overlay.successTimeout, base: context.base, root: context.root }
  return [
    `import { mountWizardOverlay } from ${JSON.stringify(OVERLAY_BUNDLE_PUBLIC_PATH)}`,
    // The dev server's origin is where this module came from (the page may be elsewhere: trustedOrigins, a proxy).
    `if (import.meta.hot) mountWizardOverlay(import.meta.hot, { ...${JSON.stringify(options)}, server: new URL(import.meta.url).origin })`,
    '',
  ].join('\n')
}

/** The `<script>` that `transformIndexHtml` injects into pages served from HTML files. */
export function overlayScriptTag(base: string, nonce: string | undefined): HtmlTagDescriptor {
  return {
    tag: 'script',
    attrs: { type: 'module', src: joinBase(base, OVERLAY_PUBLIC_PATH), ...(nonce ? { nonce } : {}) },
    injectTo: 'head',
  }
}

function joinBase(base: string, publicPath: string): string {
  return `${base.replace(/\/+$/, '')}${publicPath}`
}
