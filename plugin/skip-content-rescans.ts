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
 * This lets chokidar re-read only when the directory's entry names changed: one `readdirSync` of
 * names, compared with the names at the last full read. Any add, delete or rename changes the
 * names and is followed by another event, so nothing is missed. If chokidar's internals are not
 * what this expects, it does nothing and chokidar keeps its own behaviour.
 */
export function skipContentOnlyRescans(watcher: FSWatcher): RescanStats {
  const stats: RescanStats = { performed: 0, skipped: 0 }
  const handler = (watcher as unknown as { _nodeFsHandler?: { _handleRead?: HandleRead } })._nodeFsHandler
  const original = handler?._handleRead
  if (!handler || typeof original !== 'function' || original.length < 2) return stats

  const namesAtLastRead = new Map<string, string>()
  handler._handleRead = function handleReadUnlessOnlyContentsChanged(this: unknown, directory, initialAdd, ...rest) {
    const names = readNames(directory)
    if (!initialAdd && names !== undefined && namesAtLastRead.get(directory) === names) {
      stats.skipped++
      return undefined
    }
    if (names === undefined) namesAtLastRead.delete(directory)
    else namesAtLastRead.set(directory, names)
    stats.performed++
    return original.call(this, directory, initialAdd, ...rest)
  }
  return stats
}

function readNames(directory: string): string | undefined {
  try {
    return fs.readdirSync(directory).sort().join('\0')
  } catch {
    return undefined
  }
}
