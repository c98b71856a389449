// Longer than our ~350-line mark on purpose: what a file change means (reload, unregister, reload
// the importers, a config, a collision of ids) is one decision table over one set of maps; the
// "new save?" question is the intake's (files/save-intake.ts), loading is the engine's.
import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { WizardActionResult } from '../../client/protocol.ts'
import { debug } from '../debug.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { readSignature, sameSignature, type FileSignature } from '../files/file-signature.ts'
import { listWatchedFiles } from '../files/list-wizard-files.ts'
import { isFile, readText } from '../files/read-text.ts'
import { isWithin, type SymlinkRule } from '../files/symlink-rule.ts'
import type { WatchedDirs } from '../files/watched-dirs.ts'
import { isSourceFile } from '../files/wizard-files.ts'
import { sameRealFile } from '../shared/real-path.ts'
import type { SaveIntake } from '../files/save-intake.ts'
import { untilOnDisk } from './until-on-disk.ts'
import { forwardFileEventToVite, importedFiles, importerFiles, invalidateFile } from '../vite-internals/module-graph.ts'
import type { ReloadEngine } from './reload-engine.ts'

// Loading is CPU-bound in Vite's pipeline, with file reads in between; 32 in flight measured best (bench/).
const INITIAL_LOAD_CONCURRENCY = 32

export interface ReloadCoordinatorOptions {
  server: ViteDevServer
  reloader: ReloadEngine
  dirs: WatchedDirs
  symlinks: SymlinkRule
  /** The id rule, already guarded: never throws. */
  wizardId: (file: string) => string | null
  warn: (message: string) => void
  /** A wizard's config file outside the watched folders: someone else (Vite's watcher) must watch it. */
  watchOutside?: (file: string) => void
  /** Decides whether an event is a new save (the engine tells it what its loads read). */
  intake: SaveIntake
  /** When the first event of a change of `file` still waiting for the watcher's debounce happened (undefined: none waits). */
  pendingSince?: (file: string) => number | undefined
}

export interface InitialLoadSummary {
  loaded: number
  failed: number
  helpers: number
  durationMs: number
}

/**
 * Decides what a file change means — reload a wizard, unregister it, reload the wizards that
 * import a changed module — and makes sure the final content on disk is what ends up registered.
 */
export class ReloadCoordinator {
  /** Every file seen in the watched folders, with its signature when last processed. */
  private readonly known = new Map<string, FileSignature>()
  /** Every path a known wizard's config may be at → the files of the wizards it configures (the configFile option may share one). */
  private readonly configOwners = new Map<string, Set<string>>()
  /** Wizard files whose initial load is running now. */
  private readonly initialLoading = new Set<string>()
  private disposed = false

  constructor(private readonly options: ReloadCoordinatorOptions) {}

  /** Loads and registers every wizard file in the folders (the watcher may already be running). */
  async initialLoad(): Promise<InitialLoadSummary> {
    const started = performance.now()
    const files = (await this.scan()).filter((file) => isSourceFile(file) && this.options.wizardId(file) !== null)
    const summary: InitialLoadSummary = { loaded: 0, failed: 0, helpers: 0, durationMs: 0 }
    let next = 0
    const worker = async () => {
      while (next < files.length && !this.disposed) {
        const file = files[next++]
        this.initialLoading.add(file)
        const result = await this.sync(file, { force: true, initial: true }).finally(() => this.initialLoading.delete(file))
        if (result === 'loaded') summary.loaded++
        else if (result === 'helper') summary.helpers++
        else if (result === 'failed') summary.failed++
      }
    }
    await Promise.all(Array.from({ length: Math.min(INITIAL_LOAD_CONCURRENCY, files.length) }, worker))
    summary.durationMs = Math.round(performance.now() - started)
    return summary
  }

  /** The wizard files whose initial load is running now. */
  loadingInitially(): Iterable<string> {
    return this.initialLoading
  }

  /** Records which files exist now (the initial load does it; call it when that is off). */
  async scan(): Promise<string[]> {
    const files = await this.list()
    for (const file of files) this.remember(file)
    return files
  }

  /**
   * Brings every file in line with the disk: files that appeared, disappeared or changed without
   * an event reaching us (the watcher was starting, a folder came back, a burst too fast for it).
   * Costs one directory walk and a `stat` per file.
   */
  async reconcile(): Promise<void> {
    const now = await this.list()
    const onDisk = new Set(now)
    const stale: string[] = []
    for (const file of now) if (!sameSignature(this.known.get(file), readSignature(file))) stale.push(file)
    // (Config files outside the folders are known too, from Vite's watcher: not this walk's to judge.)
    for (const file of this.known.keys()) if (!onDisk.has(file) && this.options.dirs.contains(file)) stale.push(file)
    for (const record of this.options.reloader.state.all()) if (!onDisk.has(record.file) && this.options.dirs.contains(record.file)) stale.push(record.file)
    if (stale.length > 0) debug?.(`reconcile: ${stale.length} file(s) differ from what was processed`)
    // A change whose events are still in the watcher's debounce is the watcher's to deliver (its detect phase counts from its first event).
    const missed = [...new Set(stale)].filter((file) => this.options.pendingSince?.(file) === undefined)
    await Promise.all(missed.map((file) => this.fileChanged(file)))
  }

  /**
   * A file in the watched folders changed, appeared or disappeared (after the debounce);
   * `eventAt` is when the first event of it happened (`performance.now()`). Whether it is a new
   * save is the intake's call (see save-intake.ts); a repeat changes nothing.
   */
  async fileChanged(file: string, eventAt = performance.now()): Promise<void> {
    const signature = readSignature(file) // one stat: whether it exists, and what it is now
    const event = signature === null ? 'delete' : this.known.has(file) ? 'update' : 'create'
    if (signature) this.known.set(file, signature)
    else this.known.delete(file)
    const look = this.options.intake.look(file, () => this.notInEffect(file))
    if (look.type === 'repeat') {
      debug?.(`${file} reads as it did when last processed: nothing new`)
      return
    }
    const owners = this.configOwners.get(file)
    if (owners !== undefined && owners.size > 0) {
      await Promise.all([...owners].map((owner) => this.configChanged(owner, eventAt, file, look.type === 'retry')))
      // A config a module imports too (a JSON import) is also a module change; otherwise that is all.
      if (this.dependentWizards(file).length === 0) return
    }
    // A save of a rolled-back wizard's file (even of the same content) unpins it: the file on disk loads again.
    const pinned = this.pinnedRecordOf(file)
    if (pinned) this.options.reloader.unpin(pinned.wizardId)
    await forwardFileEventToVite(this.options.server, file, event, (error, environment) =>
      this.options.warn(`a plugin's watchChange hook threw for ${path.basename(file)} (${environment} environment): ${describeThrown(error)}`),
    )
    const dependents = this.dependentWizards(file)
    await this.sync(file, { force: pinned !== undefined || look.type === 'retry', eventAt })
    // Their detect phase counts from the helper's own first event, as the helper's does.
    await this.reloadAll(event === 'create' ? [...dependents, ...this.importFailures()] : dependents, eventAt)
  }

  /** A whole folder disappeared: every wizard known below it is removed. */
  folderRemoved(dir: string): Promise<void> {
    this.options.symlinks.forget(dir)
    const below = (file: string) => file !== dir && isWithin(file, dir)
    const files = new Set([
      ...[...this.known.keys()].filter(below),
      ...this.options.reloader.state
        .all()
        .map((record) => record.file)
        .filter(below),
    ])
    return Promise.all([...files].map((file) => this.fileChanged(file))).then(() => {})
  }

  /** A module outside the watched folders changed (reported by Vite's watcher): reload its importers. */
  externalFileChanged(file: string, created: boolean): Promise<void> {
    const dependents = this.dependentWizards(file)
    // Vite's watcher often reports one save twice: a repeat is nothing new (a re-save while an importer fails is a retry).
    const look = this.options.intake.look(file, () => dependents.some((dependent) => this.notInEffect(dependent)))
    if (!created && look.type === 'repeat') {
      debug?.(`${file} is unchanged since its last event; its importers stay as they are`)
      return Promise.resolve()
    }
    debug?.(`${file} changed: reloading ${dependents.length} wizard${dependents.length === 1 ? '' : 's'} importing it`)
    // Vite invalidated its graph; the runner's own evaluation goes too (see invalidateFile).
    invalidateFile(this.options.reloader.environment, file)
    return this.reloadAll(created ? [...dependents, ...this.importFailures()] : dependents)
  }

  /** True for a path some known wizard's config may be at. */
  isConfigFile(file: string): boolean {
    return (this.configOwners.get(file)?.size ?? 0) > 0
  }

  /**
   * A wizard's config file changed, appeared or went away: the same class registers again with the
   * new config (no code evaluated) — unless its code changed too, then one full reload reads both.
   */
  private async configChanged(wizardFile: string, eventAt: number, configFile: string, retry: boolean): Promise<void> {
    const { reloader } = this.options
    const key = this.options.wizardId(wizardFile)
    if (key === null) return
    const record = reloader.state.get(reloader.state.idOfFile(wizardFile) ?? key)
    if (record?.pinned) {
      // Rolled back: the next change of its config on disk unpins it, like a save of its code.
      if (reloader.configOnDisk(wizardFile) === record.pinned.configOnDisk) return
      reloader.unpin(record.wizardId)
      await this.sync(wizardFile, { force: true, eventAt })
      return
    }
    await reloader.exclusive(
      key,
      async () => {
        // A load queued before this one (its code saved in the same burst) may have read this config already.
        if (!retry && this.options.intake.loadedAsOnDisk(configFile)) {
          debug?.(`${configFile} was read as it is now by the load before; nothing left to do`)
          return
        }
        const result = await untilOnDisk(
          (lastAttempt) => reloader.reconfigureNow(record?.wizardId ?? key, { eventAt, lastAttempt }),
          () => this.disposed,
        )
        if (result === 'code' && isFile(wizardFile)) await this.syncNow(wizardFile, true, false, eventAt)
      },
      `config:${wizardFile}`,
    )
  }

  /** Routes changes of the paths a wizard's config may be at to that wizard. */
  private trackConfig(wizardFile: string): void {
    for (const candidate of this.options.reloader.configFilesOf(wizardFile)) {
      let owners = this.configOwners.get(candidate)
      if (owners?.has(wizardFile)) continue
      if (!owners) this.configOwners.set(candidate, (owners = new Set()))
      owners.add(wizardFile)
      if (!this.options.dirs.contains(candidate)) this.options.watchOutside?.(candidate)
    }
  }

  /** The modules outside the wizard folders that `wizardFile` runs on are watched too (not only by Vite). */
  private watchImportsOutside(wizardFile: string): void {
    const { watchOutside, dirs } = this.options
    if (!watchOutside) return
    for (const imported of importedFiles(this.options.reloader.environment, wizardFile)) if (!dirs.contains(imported)) watchOutside(imported)
  }

  private untrackConfig(wizardFile: string): void {
    for (const [candidate, owners] of this.configOwners) {
      owners.delete(wizardFile)
      if (owners.size === 0) this.configOwners.delete(candidate)
    }
  }

  /** Reloads a wizard's file now (the overlay's retry), pinned or not. */
  async retry(wizardId: string): Promise<WizardActionResult> {
    const { reloader } = this.options
    const record = reloader.state.get(wizardId)
    if (!record) return { ok: false, wizardId, version: null, error: `no wizard "${wizardId}"` }
    // In line with the wizard's other work, in the order asked (no joining a queued reload: an undo may come between).
    await reloader.exclusive(wizardId, () => {
      reloader.unpin(wizardId)
      return this.syncNow(record.file, true, false, performance.now())
    })
    const after = this.options.reloader.state.get(wizardId)
    const version = after?.current?.version ?? null
    if (after && after.lastError === null && version !== null) return { ok: true, wizardId, version, pinned: false }
    return { ok: false, wizardId, version, error: after?.lastError?.error.message ?? `${wizardId} is gone` }
  }

  /** The record of the pinned (rolled-back) wizard `file` is the code of, if any. */
  private pinnedRecordOf(file: string) {
    const { state } = this.options.reloader
    const wizardId = state.idOfFile(file)
    const record = wizardId === undefined ? undefined : state.get(wizardId)
    return record?.pinned !== undefined && record.file === file ? record : undefined
  }

  /**
   * True when what `file` produced is not in effect — a wizard whose code failed to load or that is
   * pinned to another version, a config its wizard failed on, a helper whose importers failed on
   * their code: the same content saved again then means "try again". (Saving the code again while
   * the config is broken would change nothing: that is no retry.)
   */
  private notInEffect(file: string): boolean {
    const { state } = this.options.reloader
    const recordOf = (wizardFile: string) => state.get(state.idOfFile(wizardFile) ?? '')
    const configured = [...(this.configOwners.get(file) ?? [])].map(recordOf)
    if (configured.some((record) => record?.lastError?.error.kind === 'config' || record?.pinned !== undefined)) return true
    const record = recordOf(file)
    return record !== undefined && ((record.lastError !== null && record.lastError.error.kind !== 'config') || record.pinned !== undefined)
  }

  dispose(): void {
    this.disposed = true
  }

  private list(): Promise<string[]> {
    return listWatchedFiles(this.options.dirs.dirs, { symlinks: this.options.symlinks })
  }

  private remember(file: string): void {
    const signature = readSignature(file)
    if (signature) this.known.set(file, signature)
  }

  /** Reloads files whose imports changed: always, even though their own source did not — but a pinned wizard stays as it is. */
  private reloadAll(files: Iterable<string>, eventAt?: number): Promise<void> {
    const { state } = this.options.reloader
    const unpinned = [...new Set(files)].filter((file) => {
      const wizardId = state.idOfFile(file)
      return wizardId === undefined || state.get(wizardId)?.pinned === undefined
    })
    return Promise.all(unpinned.map((file) => this.sync(file, { force: true, eventAt }))).then(() => {})
  }

  /**
   * Brings one file's registration in line with the disk, under the wizard's lock (the reloader's
   * one queue); a waiting run for the same file is joined. Unless forced, a file whose source is
   * exactly what is loaded and registered is left alone (one save often arrives as two events:
   * the truncate and the write).
   */
  private sync(
    file: string,
    { force, initial = false, eventAt = performance.now() }: { force: boolean; initial?: boolean; eventAt?: number },
  ): Promise<SyncResult> {
    const key = this.options.wizardId(file) ?? `file:${file}`
    return this.options.reloader.exclusive(key, () => this.syncNow(file, force, initial, eventAt), `${force ? 'force' : 'change'}:${initial}:${file}`)
  }

  private async syncNow(file: string, force: boolean, initial: boolean, eventAt: number): Promise<SyncResult> {
    const { reloader } = this.options
    if (!force && (this.options.intake.loadedAsOnDisk(file) || this.isRegistered(file))) {
      debug?.(`${file} was loaded as it is on disk; nothing to do`)
      return 'unchanged'
    }
    const outcome = await untilOnDisk(
      async (lastAttempt): Promise<SyncResult | undefined> => {
        const wizardId = this.options.wizardId(file)
        if (!isFile(file)) {
          invalidateFile(reloader.environment, file)
          const knownAs = reloader.state.idOfFile(file) ?? wizardId
          this.untrackConfig(file)
          // Another file with the same id is still there (a collision): it takes over, in one reload — the id never goes missing.
          const other = knownAs && reloader.state.get(knownAs)?.file === file ? this.otherFileWithId(knownAs, file) : undefined
          if (other) return this.syncNow(other, true, initial, eventAt)
          if (knownAs) await reloader.removeNow(knownAs, file)
          return 'removed'
        }
        const registeredAs = wizardId === null ? undefined : reloader.state.get(wizardId)?.file
        if (registeredAs !== undefined && registeredAs !== file && isFile(registeredAs) && sameRealFile(registeredAs, file)) {
          // The registered file again, by a second path (a file symlink next to a folder symlink): not a second wizard.
          debug?.(`${file} is ${registeredAs} by another path; it is loaded under that one`)
          return 'unchanged'
        }
        if (wizardId === null) {
          // A module by its name (`_shared.ts`, `data.json`): only its importers need the fresh module.
          invalidateFile(reloader.environment, file)
          return 'helper'
        }
        this.trackConfig(file)
        const result = await reloader.reloadNow(wizardId, file, { initial, lastAttempt, eventAt: initial ? undefined : eventAt })
        if (result?.success) this.watchImportsOutside(file)
        if (!result) {
          debug?.(`${file} changed while it was loading; loading it again`)
          return undefined
        }
        return result.success ? 'loaded' : result.helper ? 'helper' : result.failure ? 'failed' : 'unchanged'
      },
      () => this.disposed,
    )
    return outcome ?? 'unchanged'
  }

  /** A file other than `file`, still on disk, whose wizard id is `wizardId` (the first known). */
  private otherFileWithId(wizardId: string, file: string): string | undefined {
    for (const candidate of this.known.keys()) {
      if (candidate !== file && isFile(candidate) && this.options.wizardId(candidate) === wizardId && !sameRealFile(candidate, file)) return candidate
    }
    return undefined
  }

  /** `file` is the registered version of its wizard, exactly as on disk, and not failing: loading it again would change nothing. */
  private isRegistered(file: string): boolean {
    const { state } = this.options.reloader
    const wizardId = state.idOfFile(file)
    const record = wizardId === undefined ? undefined : state.get(wizardId)
    if (!record || record.file !== file || record.current === undefined || record.lastError !== null) return false
    return record.current.source === readText(file)
  }

  /** Wizard files that import `file`, directly or not. */
  private dependentWizards(file: string): string[] {
    return [...importerFiles(this.options.reloader.environment, file)].filter(
      (importer) => this.options.dirs.contains(importer) && this.options.wizardId(importer) !== null,
    )
  }

  /** Wizards whose last load failed on a missing import: a new file may be what they were missing. */
  private importFailures(): string[] {
    return this.options.reloader.state
      .failures()
      .filter((record) => record.lastError?.error.kind === 'import')
      .map((record) => record.file)
  }
}

type SyncResult = 'loaded' | 'failed' | 'helper' | 'removed' | 'unchanged'
