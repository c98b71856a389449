import path from 'node:path'
import type { RunnableDevEnvironment, ViteDevServer } from 'vite'
import type { ReloadPhases, WizardActionResult, WizardReloadError } from '../../client/protocol.ts'
import { debug } from '../debug.ts'
import type { ConfigFileOption } from '../config/config-location.ts'
import { configWatchList, loadWizardConfig, type ConfigLoad } from '../config/wizard-config.ts'
import { classifyLoadError, plainFailure } from '../errors/classify-error.ts'
import { displayPath } from '../errors/display-path.ts'
import { boundFailure } from '../errors/limits.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { locateJsonFailure } from '../errors/json-failure.ts'
import { readSignature, sameSignature, type FileSignature } from '../files/file-signature.ts'
import { readText } from '../files/read-text.ts'
import { defaultIsWizardClass, hasWizardSuffix, isBaseClassName } from '../files/wizard-files.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { RegisterWizard, ReloadResult, UnregisterWizard, WizardClass } from '../types.ts'
import { importedFiles, invalidateFile, invalidateIds } from '../vite-internals/module-graph.ts'
import { runnableEnvironment } from '../vite-internals/module-runner.ts'
import { formatStackWithSources, importedExports } from '../vite-internals/runner-graph.ts'
import { findWizardClass } from './find-wizard-class.ts'
import { KeyedSerialQueue } from '../shared/keyed-queue.ts'
import { hashOf } from '../shared/content-hash.ts'
import { MAX_KEPT_CLASS_BYTES, ReloadHistory } from './history.ts'
import type { LeakWatch } from './leak-watch.ts'
import { ModuleInstances, type ModuleInstance } from './module-instances.ts'
import { keptVersionUrl } from '../shared/kept-version-url.ts'
import { untilOnDisk } from './until-on-disk.ts'
import { VersionTransactions, type RegisterRefusal } from './version-transaction.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import { WizardStateStore, type WizardRecord } from './wizard-state.ts'
import { NO_PHASES, VersionCounters, type WizardVersion } from './wizard-version.ts'

export interface WizardReloaderOptions<C extends WizardClass = WizardClass> {
  /** A Vite dev server; modules are evaluated by its `environment`'s module runner. */
  server: ViteDevServer
  /** The runnable environment whose module runner loads wizards. @default 'ssr' */
  environment?: string
  register?: RegisterWizard<C>
  unregister?: UnregisterWizard
  /** Milliseconds a `register` call (and a dispose callback) may take. @default 5000 */
  registerTimeout?: number
  /** Milliseconds a module may take to evaluate (`0`: no limit). @default 10000 */
  loadTimeout?: number
  /** @default exported class named `…Wizard`, not `Base…`/`Abstract…`, or an anonymous default export */
  isWizardClass?: (name: string, value: unknown) => boolean
  /** Receives reloaded / failed / removed events. */
  events?: WizardEventSink
  /** Where problems go (a callback that threw, a late register). @default the server's logger */
  warn?: (message: string) => void
  /** Where advice goes — warnings that are no error (two files with one id, a file named like a wizard without a class). @default `warn` */
  advise?: (message: string) => void
  /** @internal shared with the session so the status endpoint sees it */
  state?: WizardStateStore
  /** @internal true when the watcher saw any of `files` change after `since` (`performance.now()`) */
  changedSince?: (files: string[], since: number) => boolean
  /** @internal tracks replaced versions that stay in memory */
  leaks?: LeakWatch
  /** Reload attempts kept per wizard (for history and rollback); `0` = none. @default 20 */
  history?: number
  /** Maps a wizard file to its config file; null = none. @default `<file without extension>.config.{yaml,yml,json,jsonc,toml}` */
  configFile?: ConfigFileOption
  /** @internal the history store, when the session shares it */
  historyStore?: ReloadHistory
  /** @internal true when the plugin's load hook serves kept sources (`?wizard-hot-reload-version=N`): a rollback to a released class evaluates its source again */
  evaluatesKeptSources?: boolean
  /** @internal after a version became the registered one, or the wizard was removed (undefined) */
  committed?: (wizardId: string, version: WizardVersion | undefined) => void
}

/** What a rollback did: the version now registered, or why nothing changed. */
export type RollbackOutcome = WizardActionResult

export interface ReloadOptions {
  /** An initial load: no `reloaded` event and it does not count as a reload. */
  initial?: boolean
}

/** @internal options of one attempt */
interface AttemptOptions extends ReloadOptions {
  /** Report what loaded even if the file changed meanwhile (the last of several tries). */
  lastAttempt?: boolean
  /** `performance.now()` of the first file event this reload answers (for `phases.detectMs`). */
  eventAt?: number
}

/** @internal how one attempt ended, before it becomes a public `ReloadResult` */
type Outcome =
  | { type: 'reloaded'; version: WizardVersion; reason: 'code' | 'config'; configSource: string | undefined }
  | { type: 'failed'; failure: WizardReloadError; phases?: ReloadPhases }
  | { type: 'helper'; failure?: WizardReloadError; exportNames?: string[] }
  /** The file changed while it loaded: nothing was registered or reported; load it again. */
  | { type: 'stale' }
  | { type: 'cancelled' }

/** A save that truncates first can be seen empty for a moment: give the write this long to land. */
const EMPTY_FILE_GRACE_MS = 150

/**
 * Re-evaluates one wizard through the dev server's module runner and registers the new class —
 * transactionally: on any failure the previously registered class stays registered, and the old
 * version is disposed (its signal aborted, its modules' `import.meta.hot.dispose` callbacks run)
 * only after the new one is registered. Calls for one wizard run one after the other.
 */
export class WizardReloader<C extends WizardClass = WizardClass> {
  /** @internal */
  readonly state: WizardStateStore
  /** @internal the environment wizards load in */
  readonly environment: RunnableDevEnvironment
  /** @internal */
  readonly history: ReloadHistory
  private readonly server: ViteDevServer
  private readonly register: RegisterWizard<C> | undefined
  private readonly unregister: UnregisterWizard | undefined
  private readonly committed: (wizardId: string, version: WizardVersion | undefined) => void
  private readonly evaluatesKeptSources: boolean
  private readonly registerTimeout: number
  private readonly loadTimeout: number
  private readonly isWizardClass: (name: string, value: unknown) => boolean
  private readonly configFile: ConfigFileOption | undefined
  private readonly events: WizardEventSink
  private readonly warn: (message: string) => void
  private readonly advise: (message: string) => void
  private readonly changedSince: (files: string[], since: number) => boolean
  private readonly leaks: LeakWatch | undefined
  private readonly queue = new KeyedSerialQueue()
  private readonly instances: ModuleInstances
  private readonly transactions: VersionTransactions<WizardVersion>
  private readonly counters = new VersionCounters()
  /** Files that loaded without a wizard class: helpers, whose failures their importers report. */
  private readonly helperFiles = new Set<string>()
  /** Files named like wizards that export no wizard class, warned about once. */
  private readonly warnedHelpers = new Set<string>()
  private disposed = false
  /** The config file a wizard's last config-only attempt failed on (content and signature), to tell a repeat event from a new save. */
  private readonly lastConfigFailure = new Map<string, { file: string | undefined; source: string | undefined; signature: FileSignature | null }>()
  /** The text each file being imported was read as: the plugin's load hook hands it to Vite. */
  private readonly loadingSources = new Map<string, string>()

  constructor(options: WizardReloaderOptions<C>) {
    this.server = options.server
    this.environment = runnableEnvironment(options.server, options.environment ?? 'ssr')
    this.register = options.register
    this.unregister = options.unregister
    this.registerTimeout = options.registerTimeout ?? 5000
    this.loadTimeout = options.loadTimeout ?? 10_000
    this.isWizardClass = options.isWizardClass ?? defaultIsWizardClass
    this.configFile = options.configFile
    this.events = options.events ?? {}
    this.state = options.state ?? new WizardStateStore()
    this.warn = options.warn ?? ((message) => options.server.config.logger.warn(message, { timestamp: true }))
    this.advise = options.advise ?? this.warn
    this.changedSince = options.changedSince ?? (() => false)
    this.leaks = options.leaks
    this.committed = options.committed ?? (() => {})
    this.evaluatesKeptSources = options.evaluatesKeptSources ?? false
    this.history = options.historyStore ?? new ReloadHistory(options.history ?? 20)
    const root = options.server.config.root
    this.instances = new ModuleInstances(() => this.environment.runner, () => this.registerTimeout, this.warn, (url) => displayPath(root, url.startsWith(root) ? url : path.join(root, url)))
    this.transactions = new VersionTransactions<WizardVersion>({
      register: () => this.register as RegisterWizard | undefined,
      unregister: () => this.unregister,
      registerTimeout: () => this.registerTimeout,
      instances: this.instances,
      counters: this.counters,
      warn: this.warn,
      forget: (ids) => invalidateIds(this.environment, ids),
      replaced: (version) => this.leaks?.retired(version.wizardId, version.version, version.wizardClass),
      closed: () => this.disposed,
    })
  }

  /** Successful hot reloads since the reloader was created (initial loads excluded). */
  getReloadCount(): number {
    return this.state.reloadCount
  }

  /** Reloads one wizard; calls for the same wizard run one after the other. */
  reloadWizard(wizardId: string, filePath: string, options: ReloadOptions = {}): Promise<ReloadResult<C>> {
    const file = path.resolve(filePath)
    // Standalone use has no watcher to call again: load until what loaded is what is on disk (the last attempt always answers).
    return this.exclusive(wizardId, async () => (await untilOnDisk((lastAttempt) => this.reloadNow(wizardId, file, { ...options, lastAttempt })))!)
  }

  /** The file of `wizardId` was deleted: unregister it (only if that file is what is registered). */
  removeWizard(wizardId: string, filePath: string): Promise<boolean> {
    return this.exclusive(wizardId, () => this.removeNow(wizardId, path.resolve(filePath)))
  }

  /** No register/unregister call happens after this; `close()` also disposes what is registered. */
  dispose(): void {
    this.disposed = true
  }

  /** Disposes every registered version (signals aborted, dispose callbacks run) and stops. */
  async close(): Promise<void> {
    this.dispose()
    for (const record of this.state.all()) {
      const current = this.state.release(record.wizardId)
      if (current) await this.transactions.retire(current)
    }
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  /**
   * @internal The text `id` had when its reload read it, while the runner imports it; undefined
   * for any other id, and for a file with an inline source map (Vite's own load extracts it).
   */
  sourceBeingLoaded(id: string): string | undefined {
    const source = this.loadingSources.get(id)
    return source === undefined || source.includes('sourceMappingURL') ? undefined : source
  }

  /**
   * @internal Runs `task` under the wizard's lock (the one queue per wizard). With a `token`, a call
   * that finds the same token still waiting joins it instead of queueing a second run.
   */
  exclusive<T>(wizardId: string, task: () => Promise<T>, token?: string): Promise<T> {
    return this.queue.run(wizardId, task, token)
  }

  /** @internal resolves once no reload is queued or running */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  /**
   * @internal One attempt, to be called under the wizard's lock. Undefined means "the file changed
   * while it loaded; nothing was registered or reported — call again" (unless `lastAttempt`).
   */
  async reloadNow(wizardId: string, file: string, options: AttemptOptions = {}): Promise<ReloadResult<C> | undefined> {
    const started = performance.now()
    const previous = this.state.get(wizardId)?.current
    const signature = readSignature(file)
    const source = readText(file)
    const outcome = await this.attempt(wizardId, file, source, started, previous, options)
    if (outcome.type === 'stale') return undefined
    return this.finish(wizardId, file, { source, signature, startedAt: started }, previous, options.initial ?? false, outcome)
  }

  private async attempt(wizardId: string, file: string, source: string | undefined, started: number, previous: WizardVersion | undefined, options: AttemptOptions): Promise<Outcome> {
    const { lastAttempt = false } = options
    const changedMeanwhile = () => !lastAttempt && readText(file) !== source

    invalidateFile(this.environment, file)
    const before = this.instances.snapshot()
    if (source !== undefined) this.loadingSources.set(file, source)
    let loaded: Awaited<ReturnType<typeof this.load>>
    try {
      loaded = await this.load(file)
    } finally {
      this.loadingSources.delete(file)
    }
    const loadMs = performance.now() - started
    // A failure's timeline bar: how long it waited and loaded (and registered, when it got that far).
    const failedPhases = (registerMs = 0): ReloadPhases => ({ detectMs: roundMs(options.eventAt === undefined ? 0 : Math.max(0, started - options.eventAt)), loadMs: roundMs(loadMs), registerMs: roundMs(registerMs), disposeMs: 0 })
    if (this.disposed) return { type: 'cancelled' }
    const { all, fresh } = this.instances.closure(file, before)
    // What a failed or outdated attempt evaluated is torn down, and evaluated afresh when next imported.
    const discard = async () => invalidateIds(this.environment, await this.instances.discard(fresh))
    if (changedMeanwhile()) {
      await discard()
      return { type: 'stale' }
    }
    if ('failure' in loaded) {
      await discard()
      // A load that timed out may still finish: what it registers for disposal then runs at once.
      if (loaded.late) this.instances.disposeWhenSettled(loaded.late, fresh, displayPath(this.server.config.root, file))
      // A failure is only reported for content that is still on disk — the file's own, or the helper it points into.
      const involved = loaded.failure.loc ? [file, loaded.failure.loc.file] : [file]
      if (!lastAttempt && this.changedSince(involved, started)) return { type: 'stale' }
      if (this.helperFiles.has(file)) return { type: 'helper', failure: loaded.failure }
      return { type: 'failed', failure: loaded.failure, phases: failedPhases() }
    }

    const found = findWizardClass(loaded.exports, this.isWizardClass, this.importedExportsOf(file))
    if (!found.ok) {
      // A helper's module stays as evaluated: the wizards importing it reload next and run on it.
      if (found.reason === 'none' && !previous) return { type: 'helper', exportNames: found.exportNames }
      await discard()
      // An empty file is most likely a save caught between its truncate and its write.
      if (found.reason === 'none' && !lastAttempt && (source ?? '').trim() === '' && (await this.changesWithin(file, source, EMPTY_FILE_GRACE_MS))) return { type: 'stale' }
      return { type: 'failed', failure: plainFailure('no-class', found.message), phases: failedPhases() }
    }

    // The config is read with the code: a save of both in one burst is one reload with both new.
    const configured = await this.loadConfig(wizardId, file, found.wizardClass)
    if (this.disposed) return { type: 'cancelled' }
    if (!configured.ok) {
      await discard()
      if (!lastAttempt && (changedMeanwhile() || configChangedSince(configured))) return { type: 'stale' }
      return { type: 'failed', failure: configured.failure, phases: failedPhases() }
    }

    const { version, controller, context } = this.transactions.prepare(wizardId, { file, previous: previous?.wizardClass, config: configured.value })
    const candidate: WizardVersion = { wizardId, version, file, wizardClass: found.wizardClass, context, controller, instances: all, source, config: configured.config, phases: NO_PHASES }
    const committed = await this.transactions.commit(candidate, previous)
    if (this.disposed) return { type: 'cancelled' }
    if (!committed.ok) return { type: 'failed', failure: this.refusalFailure(wizardId, committed.refusal, previous !== undefined), phases: failedPhases(committed.registerMs) }
    candidate.phases = phasesOf({ eventAt: options.eventAt, started, loadMs, registerMs: committed.registerMs, disposeMs: committed.disposeMs })
    return { type: 'reloaded', version: candidate, reason: 'code', configSource: configured.source }
  }

  /**
   * @internal The wizard's config file changed (or appeared, or went away): registers the current
   * class again with the new config — no code is evaluated; transactional like any reload. `code`:
   * its code on disk differs from what is registered (saved in the same burst, or never loaded),
   * so a full reload is what to do. Undefined: the config changed while it was read; call again.
   * To be called under the wizard's lock.
   */
  async reconfigureNow(wizardId: string, options: AttemptOptions = {}): Promise<ReloadResult<C> | 'code' | 'unchanged' | undefined> {
    const record = this.state.get(wizardId)
    const current = record?.current
    if (!record || !current || readText(record.file) !== current.source) return 'code'
    const started = performance.now()
    const read = record.lastAttempt ?? { source: current.source, signature: readSignature(current.file), startedAt: started }
    const configured = await this.loadConfig(wizardId, current.file, current.wizardClass)
    if (this.disposed) return this.finish(wizardId, current.file, read, current, false, { type: 'cancelled' }, started)
    // A config caught between a shell redirect's truncate and its write reads empty: give the write time to land.
    const readAs = configured.source
    const configPath = configured.ok ? configured.config?.file : configured.file
    if (!options.lastAttempt && configPath && readAs !== undefined && readAs.trim() === '' && (await this.changesWithin(configPath, readAs, EMPTY_FILE_GRACE_MS))) return undefined
    if (!configured.ok) {
      if (!options.lastAttempt && configChangedSince(configured)) return undefined
      // One save often arrives as two events: the same content, untouched since, failing again is not news.
      const seen = { file: configured.file, source: configured.source, signature: configured.file ? readSignature(configured.file) : null }
      const last = this.lastConfigFailure.get(wizardId)
      if (record.lastError?.error.kind === 'config' && last && last.file === seen.file && last.source === seen.source && sameSignature(last.signature, seen.signature)) return 'unchanged'
      this.lastConfigFailure.set(wizardId, seen)
      return this.finish(wizardId, current.file, read, current, false, { type: 'failed', failure: configured.failure }, started)
    }
    this.lastConfigFailure.delete(wizardId)
    if (record.lastError === null && configured.config?.file === current.config?.file && configured.config?.hash === current.config?.hash) return 'unchanged'

    const { version, controller, context } = this.transactions.prepare(wizardId, { file: current.file, previous: current.wizardClass, config: configured.value })
    // The same class and module instances: nothing is evaluated, so nothing of the code is disposed.
    const candidate: WizardVersion = { ...current, version, context, controller, config: configured.config, phases: NO_PHASES }
    const registerStarted = performance.now()
    const committed = await this.transactions.commit(candidate, current)
    if (this.disposed) return this.finish(wizardId, current.file, read, current, false, { type: 'cancelled' }, started)
    if (!committed.ok) return this.finish(wizardId, current.file, read, current, false, { type: 'failed', failure: this.refusalFailure(wizardId, committed.refusal, true) }, started)
    candidate.phases = phasesOf({ eventAt: options.eventAt, started, loadMs: registerStarted - started, registerMs: committed.registerMs, disposeMs: committed.disposeMs })
    return this.finish(wizardId, current.file, read, current, false, { type: 'reloaded', version: candidate, reason: 'config', configSource: configured.source }, started)
  }

  /** @internal the files a wizard's config may be in (to route their changes to it) */
  configFilesOf(wizardFile: string): string[] {
    return configWatchList(wizardFile, this.server.config.root, this.configFile)
  }

  private loadConfig(wizardId: string, file: string, wizardClass: unknown): Promise<ConfigLoad> {
    return loadWizardConfig({ wizardId, wizardFile: file, wizardClass, root: this.server.config.root, configFile: this.configFile, timeoutMs: this.loadTimeout > 0 ? this.loadTimeout : undefined })
  }



  /** Records the outcome, tells the sinks, and builds the public result — in this one place. */
  /** `started`: when this reload began (a config-only one starts after the code was last read). */
  private finish(wizardId: string, file: string, read: NonNullable<WizardRecord['lastAttempt']>, previous: WizardVersion | undefined, initial: boolean, outcome: Exclude<Outcome, { type: 'stale' }>, started = read.startedAt): ReloadResult<C> {
    const root = this.server.config.root
    const previousClass = (previous?.wizardClass ?? null) as C | null
    const base = { wizardId, file, error: null, failure: null, helper: false, wizardClass: previousClass }
    const durationMs = () => roundMs(performance.now() - started)
    switch (outcome.type) {
      case 'cancelled':
        return { ...base, success: false, message: `${wizardId}: reload cancelled (server closing)`, durationMs: durationMs() }
      case 'helper': {
        if (outcome.failure) {
          const where = outcome.failure.loc ? `${displayPath(root, outcome.failure.loc.file)}:${outcome.failure.loc.line}:${outcome.failure.loc.column}` : displayPath(root, file)
          this.advise(`helper ${where} failed to load: ${outcome.failure.message} (wizards importing it keep their previous versions)`)
          return { ...base, success: false, helper: true, message: outcome.failure.message, error: outcome.failure.message, failure: outcome.failure, durationMs: durationMs() }
        }
        this.becameHelper(wizardId, file, outcome.exportNames ?? [])
        return { ...base, success: false, helper: true, message: `${path.basename(file)} is a helper (no wizard class)`, durationMs: durationMs() }
      }
      case 'failed': {
        outcome = { ...outcome, failure: boundFailure(outcome.failure) }
        const timestamp = Date.now()
        this.state.recordFailure(wizardId, file, outcome.failure, timestamp, read)
        this.history.record(wizardId, { version: null, outcome: 'failed', timestamp, kind: outcome.failure.kind, message: outcome.failure.message, durationMs: durationMs(), ...(outcome.phases ? { phases: outcome.phases } : {}), file, source: read.source })
        this.events.failed?.({ wizardId, file, timestamp, error: outcome.failure, keptPreviousVersion: previousClass !== null })
        const kept = previousClass ? ' (kept previous version)' : ''
        return { ...base, success: false, message: `${wizardId} failed: ${outcome.failure.message}${kept}`, error: outcome.failure.message, failure: outcome.failure, durationMs: durationMs() }
      }
      case 'reloaded': {
        const { version } = outcome
        const before = this.state.get(wizardId)
        if (before && before.file !== file && before.current !== undefined && readText(before.file) !== undefined) {
          const relative = (f: string) => displayPath(root, f)
          this.advise(`${wizardId}: ${relative(file)} and ${relative(before.file)} both map to the wizard id "${wizardId}"; ${relative(file)} (loaded last) is registered. Rename one, or pass a wizardId option.`)
        }
        this.helperFiles.delete(file)
        const record = this.state.recordSuccess(version, { countsAsReload: !initial, read })
        this.committed(wizardId, version)
        const ms = durationMs()
        const { reason, configSource } = outcome
        const what = initial ? 'loaded' : reason === 'config' ? 'config' : 'reloaded'
        this.history.record(wizardId, { version: version.version, outcome: what, timestamp: Date.now(), durationMs: ms, phases: version.phases, file, source: version.source, config: version.config, configSource }, version)
        const { detectMs, loadMs, registerMs, disposeMs } = version.phases
        debug?.(`${wizardId} v${version.version} registered (${reason}) in ${ms} ms: detect ${detectMs}, load ${loadMs}, register ${registerMs}, dispose ${disposeMs} ms`)
        const added = previous === undefined
        if (!initial) {
          this.events.reloaded?.({ wizardId, file, version: version.version, reloadCount: record.reloadCount, durationMs: ms, phases: version.phases, reason, added, configFile: version.config?.file ?? null, timestamp: Date.now() })
        }
        return { ...base, success: true, wizardClass: version.wizardClass as C, message: `${wizardId} ${initial ? 'loaded' : reason === 'config' ? 'config reloaded' : 'reloaded'} in ${ms} ms`, durationMs: ms }
      }
    }
  }

  /** Evaluates the module, bounded by `loadTimeout`: a top level that never settles is a `timeout` failure. */
  private async load(file: string): Promise<{ exports: Record<string, unknown> } | { failure: WizardReloadError; late?: Promise<unknown> }> {
    const importing = this.environment.runner.import(file) as Promise<Record<string, unknown>>
    const outcome = await settleWithin(importing, this.loadTimeout > 0 ? this.loadTimeout : undefined)
    if (outcome === TIMED_OUT) {
      const seconds = Math.round(this.loadTimeout / 100) / 10
      return { late: importing, failure: plainFailure('timeout', `${displayPath(this.server.config.root, file)} did not finish loading within ${seconds} s (loadTimeout): its top level, or a module it imports, never settles (an await that never resolves?)`) }
    }
    if ('error' in outcome) {
      formatStackWithSources(outcome.error, this.environment.runner)
      const root = this.server.config.root
      return { failure: locateJsonFailure(classifyLoadError(outcome.error, file, root), importedFiles(this.environment, file), root) }
    }
    return { exports: outcome.value }
  }

  private importedExportsOf(file: string): Record<string, unknown>[] {
    try {
      return importedExports(this.environment.runner, file)
    } catch {
      return []
    }
  }

  /** Waits up to `ms` for the file to stop reading as `source`. */
  private async changesWithin(file: string, source: string | undefined, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      if (this.disposed || readText(file) !== source) return true
    }
    return false
  }

  /** @internal unregisters, to be called under the wizard's lock */
  async removeNow(wizardId: string, file: string): Promise<boolean> {
    const record = this.state.get(wizardId)
    if (!record || record.file !== file || this.disposed) return false
    this.state.delete(wizardId)
    this.transactions.forgetWizard(wizardId)
    if (record.current !== undefined && this.unregister) {
      try {
        await this.unregister(wizardId)
      } catch (error) {
        this.warn(`${wizardId}: unregister threw ${describeThrown(error)}`)
      }
    }
    this.committed(wizardId, undefined)
    if (record.current) await this.transactions.retire(record.current)
    const timestamp = Date.now()
    this.history.record(wizardId, { version: null, outcome: 'removed', timestamp, durationMs: 0, file })
    this.events.removed?.({ wizardId, file, timestamp })
    return true
  }

  /**
   * Registers a kept version's class again — transactionally: if `register` refuses, nothing
   * changes; otherwise the version being left is disposed after, as in any reload. The wizard is
   * then pinned (the file on disk is newer) until its next save. Never writes the user's files.
   */
  rollback(wizardId: string, version: number): Promise<RollbackOutcome> {
    return this.exclusive(wizardId, () => this.rollbackNow(wizardId, version))
  }

  /** Rolls back to the version registered before the current one. */
  undo(wizardId: string): Promise<RollbackOutcome> {
    return this.exclusive(wizardId, async () => {
      const current = this.state.get(wizardId)?.current
      if (!current) return { ok: false, wizardId, version: null, error: `no wizard "${wizardId}" is registered` }
      const target = this.history.registeredBefore(wizardId, current.version)
      if (target === undefined) return { ok: false, wizardId, version: current.version, error: `${wizardId}: there is no earlier version to go back to (history keeps ${this.history.limit})` }
      return this.rollbackNow(wizardId, target)
    })
  }

  private async rollbackNow(wizardId: string, target: number): Promise<RollbackOutcome> {
    const refused = (error: string): RollbackOutcome => ({ ok: false, wizardId, version: this.state.get(wizardId)?.current?.version ?? null, error })
    if (this.disposed) return refused('the dev server is closing')
    const record = this.state.get(wizardId)
    const current = record?.current
    if (!record || !current) return refused(`no wizard "${wizardId}" is registered`)
    if (current.version === target) return refused(`${wizardId} v${target} is the version registered now`)
    const kept = this.history.kept(wizardId, target)
    if (!kept) {
      const available = this.history.entries(wizardId).filter((entry) => entry.kept && entry.version !== null).map((entry) => `v${entry.version}`)
      return refused(`${wizardId} v${target} is not kept in the history${available.length ? ` (kept: ${[...new Set(available)].join(', ')})` : ''}`)
    }
    const started = performance.now()
    // The kept class — or, once the history released it to bound memory, its kept source evaluated again.
    const again = kept.version ? undefined : await this.evaluateKept(wizardId, kept.meta.file, target, kept.source)
    if (again && 'error' in again) return refused(again.error)
    const wizardClass = kept.version?.wizardClass ?? again!.wizardClass
    const loadMs = performance.now() - started
    // That version's own context: its number and the config it was registered with.
    const { controller, context } = this.transactions.prepare(wizardId, { file: kept.meta.file, previous: current.wizardClass, config: kept.meta.configValue, number: target })
    const candidate: WizardVersion = { wizardId, version: target, file: kept.meta.file, wizardClass, config: kept.meta.config, context, controller, instances: again?.instances ?? [], source: kept.source ?? kept.version?.source, phases: NO_PHASES }
    const committed = await this.transactions.commit(candidate, current)
    if (this.disposed) return refused('the dev server is closing')
    if (!committed.ok) {
      const why = this.refusalFailure(wizardId, committed.refusal, true).message
      this.advise(`${wizardId}: rollback to v${target} refused: ${why}; v${current.version} stays registered.`)
      return refused(`register refused the rollback to v${target}: ${why}`)
    }
    candidate.phases = phasesOf({ started, loadMs: again ? loadMs : 0, registerMs: committed.registerMs, disposeMs: committed.disposeMs })
    // Pinned only while the file on disk differs from that version (an undo back to what is on disk is not).
    const configOnDisk = this.configOnDisk(candidate.file)
    const pinned = readText(candidate.file) !== candidate.source || configOnDisk !== (candidate.config?.hash ?? null)
    this.state.recordSuccess(candidate, { countsAsReload: false, pinned: pinned ? { version: target, signature: readSignature(candidate.file), configOnDisk } : undefined })
    this.committed(wizardId, candidate)
    const timestamp = Date.now()
    this.history.record(wizardId, { version: target, outcome: 'rolled-back', timestamp, durationMs: roundMs(performance.now() - started), phases: candidate.phases, file: candidate.file, source: candidate.source, config: candidate.config, configSource: kept.configSource }, candidate)
    this.events.rolledBack?.({ wizardId, file: candidate.file, version: target, pinned, timestamp })
    return { ok: true, wizardId, version: target, pinned }
  }

  /**
   * A kept version whose class the history released: its kept source evaluated again, as
   * `<file>?wizard-hot-reload-version=N` (the plugin's load hook serves that source; the modules it
   * imports are the current ones). Only where the plugin serves such sources (not standalone).
   */
  private async evaluateKept(wizardId: string, file: string, version: number, source: string | undefined): Promise<{ wizardClass: WizardClass; instances: ModuleInstance[] } | { error: string }> {
    const released = `${wizardId} v${version}'s class was released to bound memory (the history keeps classes up to ${MAX_KEPT_CLASS_BYTES / 1024 / 1024} MB)`
    if (source === undefined) return { error: `${released}, and its source too: it cannot come back — save its code to the file instead` }
    if (!this.evaluatesKeptSources) return { error: `${released}; evaluating its source again needs the plugin (the standalone reloader cannot)` }
    const url = keptVersionUrl(file, version)
    const before = this.instances.snapshot()
    const loaded = await this.load(url)
    const { all, fresh } = this.instances.closure(file, before, runnerIdOf(url))
    if ('failure' in loaded) {
      invalidateIds(this.environment, await this.instances.discard(fresh))
      return { error: `${released}, and evaluating its source again failed: ${loaded.failure.message}` }
    }
    const found = findWizardClass(loaded.exports, this.isWizardClass, [])
    if (!found.ok) {
      invalidateIds(this.environment, await this.instances.discard(fresh))
      return { error: `${released}, and its source evaluated again has no wizard class: ${found.message}` }
    }
    return { wizardClass: found.wizardClass, instances: all }
  }

  /** @internal The next save of a pinned wizard's file, or a retry: what is on disk loads again (an intent; the state store writes it). */
  unpin(wizardId: string): void {
    this.state.unpin(wizardId)
  }

  /** @internal what the wizard's config file on disk holds now (a hash), or null when there is none */
  configOnDisk(wizardFile: string): string | null {
    for (const candidate of this.configFilesOf(wizardFile)) {
      const text = readText(candidate)
      if (text !== undefined) return hashOf(text)
    }
    return null
  }

  /** A refused register step, as a failure event says it (a timeout also says what kept serving). */
  private refusalFailure(wizardId: string, refusal: RegisterRefusal | undefined, hadPrevious: boolean): WizardReloadError {
    if (!refusal) return plainFailure('register', `${wizardId}: the dev server is closing`)
    if (refusal.kind === 'timeout') return plainFailure('timeout', `${refusal.message}; ${hadPrevious ? 'kept the previous version' : 'not registered'}.`)
    return plainFailure('register', refusal.message, refusal.thrown, this.server.config.root)
  }

  private becameHelper(wizardId: string, file: string, exportNames: string[]): void {
    this.helperFiles.add(file)
    // A file that never registered a class and now exports none is a helper; clear any failure shown for it.
    const record = this.state.get(wizardId)
    if (record && record.file === file && record.current === undefined) {
      this.state.delete(wizardId)
      this.events.removed?.({ wizardId, file, timestamp: Date.now() })
    }
    // A module exporting a Base…/Abstract… class is a base module on purpose (`base_wizard.ts` with `BaseWizard`).
    if (hasWizardSuffix(file) && !exportNames.some(isBaseClassName) && !this.warnedHelpers.has(file)) {
      this.warnedHelpers.add(file)
      this.advise(
        `${displayPath(this.server.config.root, file)} is named like a wizard but exports no wizard class (exports: ${exportNames.join(', ') || 'none'}), so it is treated as a helper (never registered). ` +
          `Export a class whose name ends with "Wizard" (not Base…/Abstract…), or \`export default class { … }\`.`,
      )
    }
  }


}

/** The config file a failed load read has changed since (the failure is about content no longer there). */
function configChangedSince(configured: Extract<ConfigLoad, { ok: false }>): boolean {
  if (!configured.file || configured.source === undefined) return false
  const now = readText(configured.file)
  return (now?.charCodeAt(0) === 0xfeff ? now.slice(1) : now) !== configured.source
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10
}

/** The runner's id of a module imported by an absolute path (with its query). */
function runnerIdOf(url: string): string {
  return url.replace(/\\/g, '/')
}

/** A reload's timings: how long it waited since the first event, loaded, registered and disposed. */
function phasesOf({ eventAt, started, loadMs, registerMs, disposeMs }: { eventAt?: number; started: number; loadMs: number; registerMs: number; disposeMs: number }): ReloadPhases {
  return { detectMs: roundMs(eventAt === undefined ? 0 : Math.max(0, started - eventAt)), loadMs: roundMs(loadMs), registerMs: roundMs(registerMs), disposeMs: roundMs(disposeMs) }
}
