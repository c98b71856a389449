import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_NAME = 'vite-plugin-wizard-hot-reload'

/**
 * A built file of this package (`dist/…`), wherever it is installed — found from this module's own
 * location, so it works from `dist/` and from the repository's sources alike (then `npm run build`
 * must have run). Undefined when it is missing.
 */
export function locatePackageFile(relative: string, from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json')
    if (fs.existsSync(manifest) && readName(manifest) === PACKAGE_NAME) {
      const file = path.join(dir, relative)
      return fs.existsSync(file) ? file : undefined
    }
    if (path.dirname(dir) === dir) return undefined
  }
}

function readName(manifest: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name
  } catch {
    return undefined
  }
}
