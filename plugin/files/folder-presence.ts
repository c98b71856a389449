import fs from 'node:fs'
import { isDirectory } from './read-text.ts'
import path from 'node:path'

export interface FolderPresenceOptions {
  /** Poll every this many ms instead of using fs.watch (also the fallback when fs.watch fails). */
  polling?: number | false
}

/**
 * Calls `onAppear` once `dir` exists as a folder — now or later — by watching its nearest existing
 * ancestor (one non-recursive fs.watch, moved down the path as folders appear and up as they go).
 * Used for watched folders that do not exist yet or were deleted; chokidar's own fallback for that
 * adds a listener per change in the parent and never sees a folder two levels down.
 */
export class FolderPresence {
  private watcher: fs.FSWatcher | undefined
  private watching: string | undefined
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    private readonly dir: string,
    private readonly onAppear: () => void,
    private readonly options: FolderPresenceOptions = {},
  ) {
    this.check()
  }

  close(): void {
    this.closed = true
    this.watcher?.close()
    this.watcher = undefined
    clearInterval(this.timer)
  }

  private check = (): void => {
    if (this.closed) return
    if (isDirectory(this.dir)) {
      this.close()
      this.onAppear()
      return
    }
    const ancestor = nearestExistingAncestor(this.dir)
    if (ancestor === this.watching) return
    this.watcher?.close()
    this.watcher = undefined
    this.watching = ancestor
    if (this.options.polling) return this.poll(this.options.polling)
    try {
      this.watcher = fs.watch(ancestor, { persistent: false }, this.check)
      this.watcher.on('error', () => this.poll(1000))
    } catch {
      this.poll(1000)
    }
    // It may have appeared between the first look and the watch.
    queueMicrotask(this.check)
  }

  private poll(ms: number): void {
    this.watcher?.close()
    this.watcher = undefined
    clearInterval(this.timer)
    this.timer = setInterval(this.check, ms)
    this.timer.unref()
  }
}

function nearestExistingAncestor(dir: string): string {
  let current = path.dirname(dir)
  while (!isDirectory(current) && path.dirname(current) !== current) current = path.dirname(current)
  return current
}
