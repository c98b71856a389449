import { realPathOf } from '../shared/real-path.ts'
import * as vite from 'vite'
import type { ResolvedConfig } from 'vite'

/**
 * Vite's `server.fs` rules for a file on disk: `isFileLoadingAllowed` (Vite 7.1+/8), else
 * `isFileServingAllowed` on its `/@fs/` path (older 7.x). Both are exported API.
 */
export function isLoadingAllowed(config: ResolvedConfig, file: string): boolean {
  const api = vite as unknown as {
    isFileLoadingAllowed?: (config: ResolvedConfig, file: string) => boolean
    isFileServingAllowed?: (config: ResolvedConfig, url: string) => boolean
  }
  if (typeof api.isFileLoadingAllowed === 'function') return api.isFileLoadingAllowed(config, file)
  if (typeof api.isFileServingAllowed === 'function') return api.isFileServingAllowed(config, `/@fs/${file.replace(/^\//, '')}`)
  return true
}

/**
 * Adds a folder to what Vite never serves over HTTP (as `server.fs.deny` does for `.env`), without
 * replacing the user's or Vite's own deny list: Vite compiles `server.fs.deny` into the resolved
 * config's `fsDenyGlob` before `configResolved`, and checks it for every file it would send or
 * transform for a request (plain URL, `?raw`, `?import`, `/@fs/`). An internal of Vite's: its
 * contract test fetches a denied file every way and expects a refusal.
 */
export function denyServing(config: ResolvedConfig, folder: string): boolean {
  const resolved = config as ResolvedConfig & { fsDenyGlob?: (file: string) => boolean }
  const original = resolved.fsDenyGlob
  if (typeof original !== 'function') return false
  const roots = new Set([folder, realFolder(folder)].map((root) => vite.normalizePath(root).replace(/\/+$/, '').toLowerCase()))
  const denied = (file: string) => {
    const lower = file.toLowerCase()
    for (const root of roots) if (lower === root || lower.startsWith(`${root}/`)) return true
    return false
  }
  resolved.fsDenyGlob = (file: string) => denied(file) || original(file)
  return true
}

/** The folder's real path, or the path as given when it does not exist yet. */
function realFolder(folder: string): string {
  return realPathOf(folder) ?? folder
}
