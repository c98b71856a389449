import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'vite-plugin-wizard-hot-reload'

/**
 * The browser extension's folder in this package, `dist/extension` (what `npm run build` makes, and the
 * package ships): load it unpacked from chrome://extensions. Found from this file, whether it runs
 * built (`dist/plugin/cli/`) or from source (`plugin/cli/`), by the package's own package.json.
 */
export function extensionDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json')
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      return path.join(dir, 'dist', 'extension')
    }
  }
  throw new Error(`${PACKAGE_NAME}'s package.json was not found above ${from}`)
}

/** The folder, or why it cannot be loaded (not built: a clone of the repository before `npm run build`). */
export function builtExtensionDir(from?: string): { dir: string } | { error: string } {
  const dir = extensionDir(from)
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) return { error: `the browser extension is not built at ${dir} (npm run build makes it)` }
  return { dir }
}
