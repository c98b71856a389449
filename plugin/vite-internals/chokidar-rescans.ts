import fs from 'node:fs'
import { listDir } from '../files/read-text.ts'
import path from 'node:path'
import type { FSWatcher } from 'chokidar'

type HandleRead = (directory: string, initialAdd: boolean, wh: { path?: string } | undefined, target: string | undefined, ...rest: unknown[]) => unknown

export interface RescanStats {
  /** Directory re-reads chokidar did. */
  performed: number
  /** Re-reads skipped because they would have changed nothing. */
  skipped: number
  /** False when chokidar's internals are not what this expects: chokidar then keeps its own behaviour. */
  installed: boolean
}

/** chokidar 5 internals this leans on (checked by chokidar-rescans.contract.test.ts). */
interface ChokidarInternals {
  _nodeFsHandler?: { _handleRead?: HandleRead }
  _throttled?: Map<string, Map<string, unknown>>
  _getWatchedDir?: (dir: string) => { getChildren(): string[] }
}

/**
 * chokidar re-reads a whole directory (readdir + an lstat per entry) on every event inside it,
 * content changes included. With 1000 wizards in a folder that is ~1000 lstats (~13 ms) per save,
 * which also fill libuv's thread pool so Vite's own read of the changed file waits behind them.
 *
 * This skips a re-read only when it provably has nothing to do: it is a repeat read of a
 * directory chokidar has already set up (never the first read of a folder being added — that one
 * also attaches its watcher, and must stay asynchronous so chokidar releases the handle of a
 * folder of the same name that was just deleted), no read of that directory is running or pending
 * (chokidar then re-reads once more when it ends — that catch-up is never skipped for a stale
 * reason), and the directory's entries on disk, filtered as chokidar filters them, are exactly the
 * names chokidar already tracks for it. A re-read in that state adds and removes nothing. A
 * directory holding symlinks or special files is always re-read. When chokidar's internals differ
 * from what this expects, it installs nothing.
 *
 * The listing costs ~0.5 ms at 1000 entries, so once it matched, the next checks first look at
 * the directory's mtime: entries cannot have been added or removed while it stays what it was
 * when the listing matched — if that listing was taken when the mtime was already older than the
 * coarsest timestamp resolution (2 s), and chokidar still tracks as many names.
 *
 * `isTracked(entry)` must mirror the watcher's `ignored` for names (without stats), for an entry of
 * a directory that is itself watched.
 */
export function skipNoOpRescans(watcher: FSWatcher, isTracked: (entry: fs.Dirent) => boolean, onRead?: (dir: string) => void): RescanStats {
  const stats: RescanStats = { performed: 0, skipped: 0, installed: false }
  const internals = watcher as unknown as ChokidarInternals
  const handler = internals._nodeFsHandler
  const original = handler?._handleRead
  if (
    !handler ||
    typeof original !== 'function' ||
    original.length < 4 ||
    !(internals._throttled instanceof Map) ||
    typeof internals._getWatchedDir !== 'function'
  )
    return stats

  const getWatchedDir = internals._getWatchedDir.bind(watcher)
  const throttled = internals._throttled
  // chokidar makes one watch helper per folder it adds and passes it to every later read of it.
  const setUp = new WeakSet<object>()
  const matched = new Map<string, MatchedListing>()
  handler._handleRead = function handleReadUnlessNoOp(this: unknown, directory, initialAdd, wh, target, ...rest) {
    const repeat = wh !== undefined && setUp.has(wh)
    if (wh !== undefined) setUp.add(wh)
    if (repeat && !initialAdd && target === undefined && !(throttled.get('readdir')?.has(path.join(directory, '')) ?? false)) {
      const tracked = getWatchedDir(wh?.path ?? directory).getChildren()
      const stat = statOf(directory)
      const previous = matched.get(directory)
      if (stat && previous && previous.settled && stat.mtimeMs === previous.mtimeMs && stat.ino === previous.ino && tracked.length === previous.count) {
        stats.skipped++
        return undefined
      }
      const listedAt = Date.now()
      if (stat && sameNames(onDisk(directory, isTracked), tracked)) {
        matched.set(directory, { mtimeMs: stat.mtimeMs, ino: stat.ino, count: tracked.length, settled: listedAt - stat.mtimeMs > COARSE_TIMESTAMP_MS })
        stats.skipped++
        return undefined
      }
    }
    matched.delete(directory)
    stats.performed++
    onRead?.(directory)
    return original.call(this, directory, initialAdd, wh, target, ...rest)
  }
  stats.installed = true
  return stats
}

/** Some file systems keep 1–2 s timestamps: below that age an unchanged mtime proves nothing. */
const COARSE_TIMESTAMP_MS = 2000

interface MatchedListing {
  mtimeMs: number
  ino: number
  /** How many names chokidar tracked when the listing matched. */
  count: number
  /** The listing was taken when the mtime was already older than COARSE_TIMESTAMP_MS. */
  settled: boolean
}

function statOf(dir: string): fs.Stats | undefined {
  try {
    return fs.statSync(dir)
  } catch {
    return undefined
  }
}

/** Names chokidar would track in `dir`, or undefined when that cannot be told from the listing alone. */
function onDisk(dir: string, isTracked: (entry: fs.Dirent) => boolean): Set<string> | undefined {
  const entries = listDir(dir)
  if (!entries) return undefined
  const names = new Set<string>()
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isDirectory()) return undefined // symlinks (targets may change), sockets, FIFOs
    if (isTracked(entry)) names.add(entry.name)
  }
  return names
}

function sameNames(disk: Set<string> | undefined, tracked: string[]): boolean {
  if (!disk || disk.size !== tracked.length) return false
  return tracked.every((name) => disk.has(name))
}
