import fs from 'node:fs'
import type { FSWatcher } from 'chokidar'

type HandleRead = (directory: string, initialAdd: boolean, ...rest: unknown[]) => unknown

export interface RescanStats {
  /** Directory re-reads chokidar did (entries added or removed). */
  performed: number
  /** Re-reads skipped because only file contents had changed. */
  skipped: number
}

/**
 * chokidar re-reads a whole directory (readdir + an lstat per entry) on every event inside it,
 * content changes included. With 1000 wizards in a folder that is ~1000 lstats per save, which
 * fill libuv's thread pool so Vite's own read of the changed file waits behind them (~50 ms).
 *
 * This lets chokidar re-read only when the directory's entries changed. A directory's mtime moves
 * only when entries are added, removed or renamed, so an unchanged mtime skips with one `stat`;
 * while the mtime is recent (filesystems with coarse timestamps could hide a second change in the
 * same tick) the entry names are compared instead. Any add, delete or rename is followed by
 * another event, so nothing is missed. If chokidar's internals are not what this expects, it does
 * nothing and chokidar keeps its own behaviour.
 */
export function skipContentOnlyRescans(watcher: FSWatcher): RescanStats {
  const stats: RescanStats = { performed: 0, skipped: 0 }
  const handler = (watcher as unknown as { _nodeFsHandler?: { _handleRead?: HandleRead } })._nodeFsHandler
  const original = handler?._handleRead
  if (!handler || typeof original !== 'function' || original.length < 2) return stats

  const lastRead = new Map<string, DirectorySnapshot>()
  handler._handleRead = function handleReadUnlessOnlyContentsChanged(this: unknown, directory, initialAdd, ...rest) {
    const previous = lastRead.get(directory)
    const mtimeMs = directoryMtime(directory)
    if (!initialAdd && previous && mtimeMs !== undefined) {
      const settled = Date.now() - mtimeMs > COARSE_TIMESTAMP_MS
      if (mtimeMs === previous.mtimeMs && settled) {
        stats.skipped++
        return undefined
      }
      const names = readNames(directory)
      if (names === previous.names) {
        lastRead.set(directory, { names, mtimeMs })
        stats.skipped++
        return undefined
      }
    }
    const names = readNames(directory)
    if (names === undefined || mtimeMs === undefined) lastRead.delete(directory)
    else lastRead.set(directory, { names, mtimeMs })
    stats.performed++
    return original.call(this, directory, initialAdd, ...rest)
  }
  return stats
}

/** Some filesystems keep 1–2 s timestamps; below that age an unchanged mtime proves nothing. */
const COARSE_TIMESTAMP_MS = 2000

interface DirectorySnapshot {
  names: string
  mtimeMs: number
}

function directoryMtime(directory: string): number | undefined {
  try {
    return fs.statSync(directory).mtimeMs
  } catch {
    return undefined
  }
}

function readNames(directory: string): string | undefined {
  try {
    return fs.readdirSync(directory).sort().join('\0')
  } catch {
    return undefined
  }
}
