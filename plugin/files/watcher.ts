import fs, { type Stats } from 'node:fs'
import path from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import { skipContentOnlyRescans, type RescanStats } from '../vite-internals/chokidar-rescans.ts'
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

/**
 * chokidar drops a `change` of a path that comes within 50 ms of the previous one it emitted
 * (`_throttle(EV.CHANGE, path, 50)`), so a quick second save would be lost. After each event we
 * look at the file once more, just after that window, and report a change if it moved on.
 */
export const CHOKIDAR_CHANGE_THROTTLE_MS = 50
const TRAILING_CHECK_MS = CHOKIDAR_CHANGE_THROTTLE_MS + 15

interface FileSignature {
  mtimeMs: number
  ctimeMs: number
  size: number
  ino: number
}

interface PendingChange {
  cancel: () => void
  type: WizardFileChangeType
  firstEventAt: number
}

/**
 * Watches wizard folders with a chokidar instance of its own (the folders are kept out of Vite's
 * watcher), without chokidar's folder re-read on content-only changes (see skip-content-rescans.ts)
 * and with a trailing check for its 50 ms change throttle. Events per file are debounced: saves
 * within `delay` collapse into one change, whose type is the last event's.
 */
export class WizardFileWatcher implements AsyncDisposable {
  private watcher: FSWatcher | undefined
  private readonly pending = new Map<string, PendingChange>()
  private readonly trailingChecks = new Map<string, NodeJS.Timeout>()
  private readonly dirs: string[]
  private readonly delay: number
  private readonly toWizardId: (file: string) => string | null
  private started: Promise<void> | undefined
  private rescans: RescanStats = { performed: 0, skipped: 0 }

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
    this.rescans = skipContentOnlyRescans(watcher)
    watcher.on('add', (file, stats) => this.onFileEvent(file, 'change', stats))
    watcher.on('change', (file, stats) => this.onFileEvent(file, 'change', stats))
    watcher.on('unlink', (file) => this.onFileEvent(file, 'remove'))
    watcher.on('unlinkDir', (dir) => this.options.onRemoveDir?.(path.resolve(dir)))
    watcher.on('error', (error) => this.options.onError?.(error))
    this.started = new Promise((resolve) => watcher.once('ready', () => resolve()))
    return this.started
  }

  /** Stops watching and drops changes still waiting for their debounce. */
  async stop(): Promise<void> {
    for (const { cancel } of this.pending.values()) cancel()
    this.pending.clear()
    for (const timer of this.trailingChecks.values()) clearTimeout(timer)
    this.trailingChecks.clear()
    const watcher = this.watcher
    this.watcher = undefined
    this.started = undefined
    await watcher?.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** How often chokidar re-read a directory, and how often that was skipped (contents-only changes). */
  get directoryRescans(): Readonly<RescanStats> {
    return this.rescans
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
    existing?.cancel()
    const firstEventAt = existing?.firstEventAt ?? performance.now()
    const fire = () => {
      this.pending.delete(file)
      this.options.onChange({ type, file, wizardId: this.toWizardId(file), firstEventAt })
    }
    // delay 0 still collapses the events of one tick, without a timer's ≥1 ms wait.
    let cancel: () => void
    if (this.delay === 0) {
      const immediate = setImmediate(fire)
      cancel = () => clearImmediate(immediate)
    } else {
      const timer = setTimeout(fire, this.delay)
      cancel = () => clearTimeout(timer)
    }
    this.pending.set(file, { cancel, type, firstEventAt })
  }

  private onFileEvent(rawFile: string, type: WizardFileChangeType, stats?: Stats): void {
    const file = path.resolve(rawFile)
    if (!isSourceFile(file)) return
    this.queue(file, type)
    this.scheduleTrailingCheck(file, type === 'remove' ? null : signatureOf(stats) ?? readSignature(file))
  }

  private scheduleTrailingCheck(file: string, seen: FileSignature | null): void {
    clearTimeout(this.trailingChecks.get(file))
    const timer = setTimeout(() => {
      this.trailingChecks.delete(file)
      if (!this.watcher) return
      const now = readSignature(file)
      if (sameSignature(now, seen)) return
      this.queue(file, now === null ? 'remove' : 'change')
    }, TRAILING_CHECK_MS)
    this.trailingChecks.set(file, timer)
  }

  private isIgnored(file: string, isFile: boolean | undefined): boolean {
    const dir = this.dirs.find((d) => file === d || file.startsWith(d + path.sep))
    if (!dir) return false
    if (path.relative(dir, file).split(path.sep).some(isSkippedFolderName)) return true
    return isFile === true && !isSourceFile(file)
  }
}

function signatureOf(stats: Stats | undefined): FileSignature | null {
  return stats ? { mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size, ino: stats.ino } : null
}

function readSignature(file: string): FileSignature | null {
  try {
    return signatureOf(fs.statSync(file))
  } catch {
    return null
  }
}

function sameSignature(a: FileSignature | null, b: FileSignature | null): boolean {
  if (a === null || b === null) return a === b
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino
}

