import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { isInExcludedFolder } from './wizard-files.ts'

/**
 * Watches, with a chokidar instance of the plugin's own, the files outside the wizard folders that
 * matter to wizards: modules they import (`src/lib/format.ts`) and config files the `configFile`
 * option puts elsewhere. Vite's watcher sees most of them too, but it is not to be relied on for
 * this — it drops a quick second save, misses changes right after it started on a busy machine,
 * and does not watch outside the root — so both report, and the coordinator takes a change once
 * (the same content twice is nothing new). Changes are debounced per file like the folders'.
 */
export class OutsideWatch {
  private chokidar: FSWatcher | undefined
  private readonly watched = new Set<string>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(
    private readonly delay: number,
    private readonly onChange: (file: string, type: 'create' | 'update' | 'delete') => void,
    private readonly onError: (error: unknown) => void,
    /** Poll every this many ms instead of file-system events (the `polling` option), or false. */
    private readonly polling: number | false = false,
  ) {}

  /** Watches `file` from now on (once); node_modules and virtual modules are left to Vite. */
  add(file: string): void {
    if (this.closed || this.watched.has(file) || !path.isAbsolute(file) || isInExcludedFolder(file)) return
    this.watched.add(file)
    if (!this.chokidar) {
      const polling = this.polling
      this.chokidar = watch([], { ignoreInitial: true, persistent: true, ...(polling ? { usePolling: true, interval: polling, binaryInterval: polling } : {}) })
      this.chokidar.on('change', (changed) => this.queue(path.resolve(changed), 'update'))
      this.chokidar.on('add', (added) => this.queue(path.resolve(added), 'create'))
      this.chokidar.on('unlink', (removed) => this.queue(path.resolve(removed), 'delete'))
      this.chokidar.on('error', (error) => this.onError(error))
    }
    this.chokidar.add(file)
  }

  get size(): number {
    return this.watched.size
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await this.chokidar?.close()
    this.chokidar = undefined
  }

  /**
   * A change seen elsewhere (Vite's watcher, its hot-update hook): debounced with this watcher's own
   * events, so one save — a truncate and a write, seen by both — is one change.
   */
  report(file: string, type: 'create' | 'update' | 'delete'): void {
    this.queue(file, type)
  }

  private queue(file: string, type: 'create' | 'update' | 'delete'): void {
    if (this.closed) return
    clearTimeout(this.timers.get(file))
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file)
        if (!this.closed) this.onChange(file, type)
      }, this.delay),
    )
  }
}
