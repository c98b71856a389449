// Longer than our ~350-line mark on purpose: one chokidar instance's whole life (create, re-create
// after its folder was replaced, raw events, ignore rules, untracked files) shares its state; the
// parts that stand alone are in their own files (trailing-check, folder-presence, symlink-rule).
import { isDirectory, listDir } from './read-text.ts'
import { onRawEvent } from '../vite-internals/chokidar-raw.ts'
import fs, { type Stats } from 'node:fs'
import path from 'node:path'
import { describeThrown } from '../errors/thrown-value.ts'
import { watch, type FSWatcher } from 'chokidar'
import { debug } from '../debug.ts'
import { skipNoOpRescans, type RescanStats } from '../vite-internals/chokidar-rescans.ts'
import { readSignature, sameSignature, signatureOf, type FileSignature } from './file-signature.ts'
import { FolderPresence } from './folder-presence.ts'
import { isWithin, SymlinkRule, type SymlinkVerdict } from './symlink-rule.ts'
import { TrailingCheck } from './trailing-check.ts'
import { defaultWizardId, isSkippedFileName, isSkippedFolderName } from './wizard-files.ts'

export type WizardFileChangeType = 'change' | 'remove'

export interface WizardFileChange {
  /** `change` covers create and modify (atomic rename-saves included); `remove` a deleted file. */
  type: WizardFileChangeType
  /** Absolute path. */
  file: string
  /** The wizard id, or null for a helper module or another file (`data.json`). */
  wizardId: string | null
  /** `performance.now()` of the first event that this (debounced) change collapses. */
  firstEventAt: number
}

export interface WizardFileWatcherOptions {
  /** Folders to watch recursively; one that does not exist yet is watched for. */
  dirs: string[]
  /** Called once per file after `delay` ms without further events for it. */
  onChange: (change: WizardFileChange) => void
  /** Per-file debounce in ms. @default 50 */
  delay?: number
  /** @default the documented id rule */
  wizardId?: (file: string) => string | null
  /** Poll every this many ms instead of using file-system events. @default false */
  polling?: number | false
  /** Called when chokidar reports an error (the watcher keeps going). */
  onError?: (error: unknown) => void
  /** Called when a whole folder disappears (its files get `remove` changes as well). */
  onRemoveDir?: (dir: string) => void
  /**
   * Called, debounced, after folders changed shape (entries added or removed, a watched folder
   * replaced or re-created): the moment to compare the folders with what is registered.
   */
  onStructureChange?: () => void
  /** @internal the symlink rule shared with the folder walker */
  symlinks?: SymlinkRule
  /** @internal told once per symlinked folder that is not watched (a loop, or a second path to watched files) */
  onSkippedLink?: (link: string, verdict: Extract<SymlinkVerdict, { follow: false }>) => void
}

/** How long after reporting a change an event for the very same file signature counts as its duplicate. */
const DUPLICATE_WINDOW_MS = 100
/** A watched folder that was replaced (branch switch, `rm -rf && git checkout`) is watched anew once things are this quiet. */
const REWATCH_AFTER_MS = 150

interface PendingChange {
  cancel: () => void
  type: WizardFileChangeType
  firstEventAt: number
}

/**
 * Watches wizard folders with a chokidar instance of its own (the folders are kept out of Vite's
 * watcher): every file except dotfiles and editors' backups, debounced per file (saves within
 * `delay` collapse into one change, whose type is the last event's), with a trailing check for
 * chokidar's 50 ms change throttle (trailing-check.ts). It survives what chokidar alone does not: a watched folder
 * deleted and re-created (it is watched anew), a folder that does not exist yet (watched for),
 * symlink loops (never walked). Directory re-reads that would change nothing are skipped.
 */
export class WizardFileWatcher implements AsyncDisposable {
  private chokidar: FSWatcher | undefined
  private readonly pending = new Map<string, PendingChange>()
  /** chokidar's 50 ms change throttle would swallow a quick second save: look again after it. */
  private readonly trailing = new TrailingCheck((file, exists) => {
    if (this.running) this.queue(file, exists ? 'change' : 'remove')
  })
  private readonly lastEventAt = new Map<string, number>()
  /** The file's signature when its last change was reported: a late duplicate of that event (chokidar after fs.watch) is dropped. */
  private readonly reported = new Map<string, { signature: FileSignature | null; at: number }>()
  private readonly presence = new Map<string, FolderPresence>()
  private readonly skippedLinks = new Set<string>()
  private readonly dirs: string[]
  private readonly delay: number
  private readonly toWizardId: (file: string) => string | null
  private readonly symlinks: SymlinkRule
  private started: Promise<void> | undefined
  private running = false
  private rewatchTimer: NodeJS.Timeout | undefined
  private structureTimer: NodeJS.Timeout | undefined
  private rewatching: Promise<void> = Promise.resolve()
  private rescans: RescanStats = { performed: 0, skipped: 0, installed: false }

  constructor(private readonly options: WizardFileWatcherOptions) {
    this.dirs = [...new Set(options.dirs.map((dir) => path.resolve(dir)))]
    this.delay = options.delay ?? 50
    const wizardId = options.wizardId ?? defaultWizardId
    // A user's rule runs inside timers: a throw is the change's wizardId null and an error reported, never an uncaught exception.
    this.toWizardId = (file) => {
      try {
        const id = wizardId(file)
        return typeof id === 'string' ? id : null
      } catch (error) {
        this.options.onError?.(new Error(`options.wizardId threw ${describeThrown(error)} for ${file}`))
        return null
      }
    }
    this.symlinks = options.symlinks ?? new SymlinkRule(this.dirs)
  }

  /** Starts watching; resolves once the initial scan is done (edits after that are seen). */
  start(): Promise<void> {
    if (this.started) return this.started
    this.running = true
    this.started = this.watch()
    return this.started
  }

  /** Stops watching and drops changes still waiting for their debounce. */
  async stop(): Promise<void> {
    this.running = false
    for (const { cancel } of this.pending.values()) cancel()
    this.pending.clear()
    this.trailing.stop()
    this.reported.clear()
    clearTimeout(this.rewatchTimer)
    clearTimeout(this.structureTimer)
    for (const presence of this.presence.values()) presence.close()
    this.presence.clear()
    await this.rewatching
    const watcher = this.chokidar
    this.chokidar = undefined
    this.started = undefined
    await watcher?.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** @internal how often chokidar re-read a directory, and how often that was skipped (it would have changed nothing) */
  get directoryRescans(): Readonly<RescanStats> {
    return this.rescans
  }

  /** Files whose change is waiting for the debounce. */
  get pendingCount(): number {
    return this.pending.size
  }

  /** @internal `performance.now()` of the first event of `file`'s change waiting for the debounce, if one is */
  pendingSince(file: string): number | undefined {
    return this.pending.get(file)?.firstEventAt
  }

  /** @internal true when any of `files` had an event after `since` (`performance.now()`), or has one waiting */
  changedSince(files: string[], since: number): boolean {
    return files.some((file) => (this.lastEventAt.get(file) ?? -Infinity) > since || this.pending.has(file))
  }

  /** Feeds one raw event (public so the debounce can be unit-tested without a file system). */
  queue(rawFile: string, type: WizardFileChangeType): void {
    const file = path.resolve(rawFile)
    const existing = this.pending.get(file)
    existing?.cancel()
    const firstEventAt = existing?.firstEventAt ?? performance.now()
    const fire = () => {
      this.pending.delete(file)
      this.reported.set(file, { signature: type === 'remove' ? null : readSignature(file), at: performance.now() })
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

  /**
   * (Re)creates the chokidar instance on the folders that exist; waits for the others to appear.
   * The old instance is closed first: chokidar shares one fs.watch handle per path across its
   * instances, so a new one opened beside the old would reuse a handle still attached to the
   * deleted folder and stay deaf. What changes in between is caught by the reconcile that follows.
   */
  private async watch(): Promise<void> {
    const previous = this.chokidar
    this.chokidar = undefined
    await previous?.close()
    const present = this.dirs.filter(isDirectory)
    for (const dir of this.dirs) {
      if (present.includes(dir) || this.presence.has(dir)) continue
      this.presence.set(dir, new FolderPresence(dir, () => this.folderAppeared(dir), { polling: this.options.polling }))
    }
    const next = present.length > 0 ? this.createChokidar(present) : undefined
    if (next) await new Promise<void>((resolve) => next.once('ready', () => resolve()))
    if (!this.running) {
      await next?.close()
      return
    }
    if (next) this.adoptUntracked(next)
    debug?.(`watching ${present.join(', ')}${this.presence.size ? `; waiting for ${[...this.presence.keys()].join(', ')} to appear` : ''}`)
    this.chokidar = next
  }

  /**
   * A file created while chokidar read its folder — after the listing, before the folder's watcher
   * was attached — is never tracked, so its later edits and deletion would go unseen. Once ready,
   * every watched folder is compared with the disk and what chokidar missed is handed to it.
   */
  private adoptUntracked(watcher: FSWatcher): void {
    for (const [dir, children] of Object.entries(watcher.getWatched())) {
      if (!this.rootOf(dir)) continue
      const entries = listDir(dir)
      if (!entries) continue
      const tracked = new Set(children)
      for (const entry of entries) {
        if (tracked.has(entry.name) || !isTrackedName(entry)) continue
        debug?.(`${path.join(dir, entry.name)} appeared while its folder was read; watching it`)
        watcher.add(path.join(dir, entry.name))
      }
    }
  }

  private createChokidar(dirs: string[]): FSWatcher {
    const polling = this.options.polling
    const watcher = watch(dirs, {
      ignoreInitial: true,
      ignored: (file, stats) => this.isIgnored(file, stats),
      // Editors that save by writing a temp file and renaming it over the original produce a change.
      atomic: true,
      ...(polling ? { usePolling: true, interval: polling, binaryInterval: polling } : {}),
    })
    this.rescans = skipNoOpRescans(watcher, isTrackedName, () => this.structureChanged())
    // Folders this instance watches, to recognise a watched folder's own deletion among raw events.
    const folders = new Set<string>(dirs)
    watcher.once('ready', () => {
      for (const dir of Object.keys(watcher.getWatched())) folders.add(dir)
    })
    watcher.on('add', (file, stats) => this.onFileEvent(file, 'change', stats, true))
    watcher.on('change', (file, stats) => this.onFileEvent(file, 'change', stats, false))
    watcher.on('unlink', (file) => this.onFileEvent(file, 'remove', undefined, true))
    watcher.on('addDir', (dir) => {
      folders.add(path.resolve(dir))
      this.structureChanged()
    })
    watcher.on('unlinkDir', (rawDir) => {
      const dir = path.resolve(rawDir)
      if (!this.dirs.includes(dir)) folders.delete(dir)
      this.symlinks.forget(dir)
      this.options.onRemoveDir?.(dir)
      if (this.dirs.includes(dir)) this.scheduleRewatch()
      this.structureChanged()
    })
    onRawEvent(watcher, (event, evPath, watchedPath) => {
      // A watched folder's own fs.watch reports its deletion or move as a rename of its own name:
      // chokidar keeps listening to the dead folder (or stops entirely), so watch it anew.
      if (event === 'rename' && folders.has(watchedPath) && evPath === path.basename(watchedPath)) {
        debug?.(`${watchedPath} itself was renamed or deleted: watching the folders anew`)
        this.scheduleRewatch()
        return
      }
      // A content change, straight from fs.watch: start the debounce now instead of after
      // chokidar's own stat (~0.5 ms later). chokidar's `change` follows and joins it; a file read
      // half-written is loaded again (what loaded is always checked against the disk).
      if (event === 'change' && this.usesFsEvents) {
        const file = folders.has(watchedPath) ? path.join(watchedPath, evPath) : watchedPath
        if (file !== watchedPath || !folders.has(file)) this.onRawChange(file)
      }
    })
    watcher.on('error', (error) => this.options.onError?.(error))
    return watcher
  }

  private folderAppeared(dir: string): void {
    this.presence.delete(dir)
    this.scheduleRewatch(0)
  }

  private scheduleRewatch(after = REWATCH_AFTER_MS): void {
    if (!this.running) return
    clearTimeout(this.rewatchTimer)
    this.rewatchTimer = setTimeout(() => {
      this.rewatching = this.rewatching
        .then(() => (this.running ? this.watch() : undefined))
        .then(
          () => this.structureChanged(),
          (error: unknown) => this.options.onError?.(error),
        )
    }, after)
  }

  private structureChanged(): void {
    if (!this.options.onStructureChange || !this.running) return
    clearTimeout(this.structureTimer)
    this.structureTimer = setTimeout(() => {
      if (this.running) this.options.onStructureChange?.()
    }, 0)
  }

  /** The watched folder `file` is in (or is), if any. */
  private rootOf(file: string): string | undefined {
    return this.dirs.find((dir) => isWithin(file, dir))
  }

  private get usesFsEvents(): boolean {
    return !this.options.polling
  }

  private onRawChange(file: string): void {
    const root = this.rootOf(file)
    if (!root || file === root || isSkippedFileName(path.basename(file))) return
    if (path.relative(root, file).split(path.sep).slice(0, -1).some(isSkippedFolderName)) return
    const signature = readSignature(file)
    if (signature) this.note(file, 'change', signature)
  }

  private onFileEvent(rawFile: string, type: WizardFileChangeType, stats: Stats | undefined, structural: boolean): void {
    const file = path.resolve(rawFile)
    const signature = type === 'remove' ? null : (signatureOf(stats) ?? readSignature(file))
    this.trailing.after(file, signature)
    if (structural) this.structureChanged()
    this.note(file, type, signature)
  }

  /** One event for a file, unless it is a duplicate of what was just reported (fs.watch and chokidar both tell of one save). */
  private note(file: string, type: WizardFileChangeType, signature: FileSignature | null): void {
    const last = this.reported.get(file)
    if (type === 'change' && last && performance.now() - last.at < DUPLICATE_WINDOW_MS && sameSignature(last.signature, signature)) return
    this.lastEventAt.set(file, performance.now())
    this.queue(file, type)
  }

  private isIgnored(file: string, stats: Stats | undefined): boolean {
    const root = this.rootOf(file)
    if (!root || file === root) return false
    const segments = path.relative(root, file).split(path.sep)
    const name = segments.pop()!
    if (segments.some(isSkippedFolderName)) return true
    if (stats?.isFile()) return isSkippedFileName(name)
    if (stats?.isDirectory() && isSkippedFolderName(name)) return true
    if (!stats && (isSkippedFileName(name) || isSkippedFolderName(name))) return true
    if (stats?.isSymbolicLink() || stats?.isDirectory()) {
      const verdict = this.symlinks.verdict(file)
      if (!verdict.follow) {
        if (!this.skippedLinks.has(file)) {
          this.skippedLinks.add(file)
          this.options.onSkippedLink?.(file, verdict)
        }
        return true
      }
    }
    return false
  }
}

/** `isIgnored` for an entry of a watched folder: by name alone (symlinks are decided elsewhere). */
function isTrackedName(entry: fs.Dirent): boolean {
  return entry.isDirectory() ? !isSkippedFolderName(entry.name) : !isSkippedFileName(entry.name)
}
