import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { defaultWizardId, isSkippedFolderName, isSourceFile } from './wizard-files.ts'

export type WizardFileChangeType = 'change' | 'remove'

export interface WizardFileChange {
  /** `change` covers create and modify (atomic rename-saves included); `remove` a deleted file. */
  type: WizardFileChangeType
  /** Absolute path. */
  file: string
  /** The wizard id, or null for a helper module. */
  wizardId: string | null
  /** `performance.now()` of the first event that this (debounced) change collapses. */
  firstEventAt: number
}

export interface WizardFileWatcherOptions {
  /** Folders to watch recursively. */
  dirs: string[]
  /** Called once per file after `delay` ms without further events for it. */
  onChange: (change: WizardFileChange) => void
  /** Per-file debounce in ms. @default 50 */
  delay?: number
  /** @default the documented id rule */
  wizardId?: (file: string) => string | null
  /** Called when chokidar reports an error (the watcher keeps going). */
  onError?: (error: unknown) => void
  /** Called when a whole folder disappears (its files get `remove` changes as well). */
  onRemoveDir?: (dir: string) => void
}

interface PendingChange {
  timer: NodeJS.Timeout
  type: WizardFileChangeType
  firstEventAt: number
}

/**
 * Watches wizard folders with a chokidar instance of its own (not Vite's, which re-scans a folder
 * on every change and drops quick successive changes). Events per file are debounced: saves within
 * `delay` collapse into one change, whose type is the last event's.
 */
export class WizardFileWatcher implements AsyncDisposable {
  private watcher: FSWatcher | undefined
  private readonly pending = new Map<string, PendingChange>()
  private readonly dirs: string[]
  private readonly delay: number
  private readonly toWizardId: (file: string) => string | null
  private started: Promise<void> | undefined

  constructor(private readonly options: WizardFileWatcherOptions) {
    this.dirs = options.dirs.map((dir) => path.resolve(dir))
    this.delay = options.delay ?? 50
    this.toWizardId = options.wizardId ?? defaultWizardId
  }

  /** Starts watching; resolves once the initial scan is done (edits after that are seen). */
  start(): Promise<void> {
    if (this.started) return this.started
    if (this.dirs.length === 0) return (this.started = Promise.resolve())
    const watcher = watch(this.dirs, {
      ignoreInitial: true,
      ignored: (file, stats) => this.isIgnored(file, stats?.isFile()),
      // Editors that save by writing a temp file and renaming it over the original produce a change.
      atomic: true,
    })
    this.watcher = watcher
    watcher.on('add', (file) => this.queue(file, 'change'))
    watcher.on('change', (file) => this.queue(file, 'change'))
    watcher.on('unlink', (file) => this.queue(file, 'remove'))
    watcher.on('unlinkDir', (dir) => this.options.onRemoveDir?.(path.resolve(dir)))
    watcher.on('error', (error) => this.options.onError?.(error))
    this.started = new Promise((resolve) => watcher.once('ready', () => resolve()))
    return this.started
  }

  /** Stops watching and drops changes still waiting for their debounce. */
  async stop(): Promise<void> {
    for (const { timer } of this.pending.values()) clearTimeout(timer)
    this.pending.clear()
    const watcher = this.watcher
    this.watcher = undefined
    this.started = undefined
    await watcher?.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Files whose change is waiting for the debounce. */
  get pendingCount(): number {
    return this.pending.size
  }

  /** Feeds one raw event (public so the debounce can be unit-tested without a file system). */
  queue(rawFile: string, type: WizardFileChangeType): void {
    const file = path.resolve(rawFile)
    if (!isSourceFile(file)) return
    const existing = this.pending.get(file)
    if (existing) clearTimeout(existing.timer)
    const firstEventAt = existing?.firstEventAt ?? performance.now()
    const timer = setTimeout(() => {
      this.pending.delete(file)
      this.options.onChange({ type, file, wizardId: this.toWizardId(file), firstEventAt })
    }, this.delay)
    this.pending.set(file, { timer, type, firstEventAt })
  }

  private isIgnored(file: string, isFile: boolean | undefined): boolean {
    const dir = this.dirs.find((d) => file === d || file.startsWith(d + path.sep))
    if (!dir) return false
    if (path.relative(dir, file).split(path.sep).some(isSkippedFolderName)) return true
    return isFile === true && !isSourceFile(file)
  }
}
