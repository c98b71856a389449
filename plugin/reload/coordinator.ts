import fs from 'node:fs'
import path from 'node:path'
import type { ViteDevServer } from 'vite'
import { debug } from '../debug.ts'
import { KeyedSerialQueue } from './keyed-queue.ts'
import { listSourceFiles } from '../files/list-wizard-files.ts'
import type { LoadedSources } from './loaded-sources.ts'
import type { WizardReloader } from './reloader.ts'
import { forwardFileEventToVite, importerFiles, invalidateFile } from '../vite-internals/module-graph.ts'

/** How many times one change may re-run because the file changed again while it was loading. */
const MAX_CATCH_UP_RUNS = 20
// Loading is CPU-bound in Vite's pipeline, with file reads in between; 32 in flight measured best (bench/).
const INITIAL_LOAD_CONCURRENCY = 32

export interface ReloadCoordinatorOptions {
  server: ViteDevServer
  reloader: WizardReloader
  loadedSources: LoadedSources
  /** Absolute watched folders. */
  dirs: string[]
  wizardId: (file: string) => string | null
}

export interface InitialLoadSummary {
  loaded: number
  failed: number
  helpers: number
  durationMs: number
  /** Every module file seen by the initial scan. */
  files: string[]
}

/**
 * Decides what a file change means — reload a wizard, unregister it, reload the wizards that
 * import a changed helper — and makes sure the final content on disk is what ends up registered.
 */
export class ReloadCoordinator {
  private readonly queue = new KeyedSerialQueue()
  /** Files seen on disk, to tell Vite whether a change is a create or an update. */
  private readonly knownFiles = new Set<string>()
  private disposed = false

  constructor(private readonly options: ReloadCoordinatorOptions) {}

  /** True for a path equal to or below one of the watched folders. */
  isInDirs(file: string): boolean {
    return this.options.dirs.some((dir) => file === dir || file.startsWith(dir + path.sep))
  }

  async initialLoad(): Promise<InitialLoadSummary> {
    const started = performance.now()
    const scanned = await this.scan()
    const files = scanned.filter((file) => this.options.wizardId(file) !== null)
    const summary: InitialLoadSummary = { loaded: 0, failed: 0, helpers: 0, durationMs: 0, files: scanned }
    let next = 0
    const worker = async () => {
      while (next < files.length && !this.disposed) {
        const file = files[next++]
        const wizardId = this.options.wizardId(file)!
        await this.queue.run(wizardId, async () => {
          const result = await this.options.reloader.reloadWizard(wizardId, file, { initial: true })
          if (result.success) summary.loaded++
          else if (result.helper) summary.helpers++
          else if (result.failure) summary.failed++
        })
      }
    }
    await Promise.all(Array.from({ length: Math.min(INITIAL_LOAD_CONCURRENCY, files.length) }, worker))
    summary.durationMs = Math.round(performance.now() - started)
    return summary
  }

  /** Records which files exist now (done by the initial load; call it when that is off). */
  async scan(): Promise<string[]> {
    const files = await listSourceFiles(this.options.dirs)
    for (const file of files) this.knownFiles.add(file)
    return files
  }

  /**
   * The watcher starts alongside the initial load; whatever changed on disk before it was ready
   * (files created, deleted or edited since the initial scan) is brought in line here.
   */
  async reconcile(scannedBefore: string[]): Promise<void> {
    const before = new Set(scannedBefore)
    const now = new Set(await listSourceFiles(this.options.dirs))
    const stale = new Set<string>()
    for (const file of now) if (!before.has(file) || !this.options.loadedSources.isCurrent(file)) stale.add(file)
    for (const file of before) if (!now.has(file)) stale.add(file)
    await Promise.all([...stale].map((file) => this.fileChanged(file)))
  }

  /** A file in the watched folders changed, appeared or disappeared (after the debounce). */
  async fileChanged(file: string): Promise<void> {
    const exists = fs.existsSync(file)
    const event = !exists ? 'delete' : this.knownFiles.has(file) ? 'update' : 'create'
    if (exists) this.knownFiles.add(file)
    else this.knownFiles.delete(file)
    await forwardFileEventToVite(this.options.server, file, event)
    const dependents = this.dependentWizards(file)
    await this.sync(file, false)
    await this.reloadAll(event === 'create' ? [...dependents, ...this.importFailures()] : dependents)
  }

  /** A whole folder disappeared: every wizard known below it is removed. */
  folderRemoved(dir: string): Promise<void> {
    const files = this.options.reloader.state.files().filter((file) => file.startsWith(dir + path.sep))
    return this.reloadAll(files)
  }

  /** A module outside the watched folders changed (reported by Vite's watcher): reload its importers. */
  externalFileChanged(file: string, created: boolean): Promise<void> {
    const dependents = this.dependentWizards(file)
    return this.reloadAll(created ? [...dependents, ...this.importFailures()] : dependents)
  }

  /** Re-registers every loaded class (the registry module was re-evaluated and is empty). */
  async reRegisterAll(): Promise<void> {
    await this.reloadAll(this.options.reloader.state.registered().map((record) => record.file))
  }

  /** Resolves when no reload is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  dispose(): void {
    this.disposed = true
  }

  /** Reloads files whose imports changed: always, even though their own source did not. */
  private reloadAll(files: Iterable<string>): Promise<void> {
    return Promise.all([...new Set(files)].map((file) => this.sync(file, true))).then(() => {})
  }

  /**
   * Brings one file's registration in line with the disk; coalesces with a waiting run for the same
   * file. Unless forced, a file whose source is exactly what is loaded and registered is left alone
   * (one save often arrives as two events: the truncate and the write).
   */
  private sync(file: string, force: boolean): Promise<void> {
    const key = this.options.wizardId(file) ?? `file:${file}`
    return this.queue.run(key, () => this.syncNow(file, force), `${force ? 'force' : 'change'}:${file}`)
  }

  private async syncNow(file: string, force: boolean): Promise<void> {
    const { reloader, loadedSources, server } = this.options
    if (!force && this.isLoadedAndCurrent(file)) {
      debug?.(`${file} is unchanged since it was loaded; nothing to do`)
      return
    }
    for (let run = 0; run < MAX_CATCH_UP_RUNS && !this.disposed; run++) {
      const wizardId = this.options.wizardId(file)
      if (!fs.existsSync(file)) {
        loadedSources.forget(file)
        invalidateFile(server, file)
        const knownAs = reloader.state.idOfFile(file) ?? wizardId
        if (knownAs) await reloader.removeWizard(knownAs, file)
        return
      }
      if (wizardId === null) {
        // A helper by its name (`_shared.ts`): only its importers need the fresh module.
        invalidateFile(server, file)
        return
      }
      await reloader.reloadWizard(wizardId, file)
      if (loadedSources.isCurrent(file)) return
      debug?.(`${file} changed while it was loading; loading it again`)
    }
  }

  private isLoadedAndCurrent(file: string): boolean {
    const wizardId = this.options.reloader.state.idOfFile(file)
    const record = wizardId === undefined ? undefined : this.options.reloader.state.get(wizardId)
    return record !== undefined && record.wizardClass !== null && record.lastError === null && this.options.loadedSources.matchesDisk(file)
  }

  /** Wizard files that import `file`, directly or not. */
  private dependentWizards(file: string): string[] {
    return [...importerFiles(this.options.server, file)].filter((importer) => this.isInDirs(importer) && this.options.wizardId(importer) !== null)
  }

  /** Wizards whose last load failed on a missing import: a new file may be what they were missing. */
  private importFailures(): string[] {
    return this.options.reloader.state
      .failures()
      .filter((record) => record.lastError?.error.kind === 'import')
      .map((record) => record.file)
  }
}
