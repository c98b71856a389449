import * as vite from 'vite'
import type { ResolvedConfig } from 'vite'

/**
 * Vite's `server.fs` rules for a file on disk: `isFileLoadingAllowed` (Vite 7.1+/8), else
 * `isFileServingAllowed` on its `/@fs/` path (older 7.x). Both are exported API.
 */
export function isLoadingAllowed(config: ResolvedConfig, file: string): boolean {
  const api = vite as unknown as { isFileLoadingAllowed?: (config: ResolvedConfig, file: string) => boolean; isFileServingAllowed?: (config: ResolvedConfig, url: string) => boolean }
  if (typeof api.isFileLoadingAllowed === 'function') return api.isFileLoadingAllowed(config, file)
  if (typeof api.isFileServingAllowed === 'function') return api.isFileServingAllowed(config, `/@fs/${file.replace(/^\//, '')}`)
  return true
}
