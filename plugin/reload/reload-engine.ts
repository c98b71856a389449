// Longer than our ~350-line mark on purpose: one attempt (load, find the class, read the config,
// commit, and each way it can go stale or fail) reads best in one place; reconfigure, rollback and
// reporting are split out (reconfigure.ts, rollback.ts, report-outcome.ts).
import path from 'node:path'
import type { RunnableDevEnvironment, ViteDevServer } from 'vite'
import type { ReloadPhases, WizardReloadError } from '../../client/protocol.ts'
import type { ConfigFileOption } from '../config/config-location.ts'
import { configWatchList, loadWizardConfig, type ConfigLoad } from '../config/wizard-config.ts'
import { classifyLoadError, plainFailure } from '../errors/classify-error.ts'
import { displayPath } from '../errors/display-path.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { locateJsonFailure } from '../errors/json-failure.ts'
import { readSignature, type FileSignature } from '../files/file-signature.ts'
import { readText } from '../files/read-text.ts'
import { defaultIsWizardClass } from '../files/wizard-files.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { RegisterWizard, ReloadResult, UnregisterWizard, WizardClass } from '../types.ts'
import { importedFiles, invalidateFile, invalidateIds, servedCode } from '../vite-internals/module-graph.ts'
import { runnableEnvironment } from '../vite-internals/module-runner.ts'
import { formatStackWithSources, importedExports } from '../vite-internals/runner-graph.ts'
import { findWizardClass } from './find-wizard-class.ts'
import { KeyedSerialQueue } from '../shared/keyed-queue.ts'
import { hashOf } from '../shared/content-hash.ts'
import { ReloadHistory } from './history.ts'
import type { LeakWatch } from './leak-watch.ts'
import { ModuleInstances, type ModuleInstance } from './module-instances.ts'
import { untilOnDisk } from './until-on-disk.ts'
import { VersionTransactions, type RegisterRefusal } from './version-transaction.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import { WizardStateStore } from './wizard-state.ts'
import { NO_PHASES, VersionCounters, type WizardVersion } from './wizard-version.ts'
import type { ReloadOptions, RollbackOutcome, WizardReloaderOptions } from './reloader-options.ts'
import { instancesModeOf, patchStep, type InstancesMode } from './patch-step.ts'
import { configChangedSince, EMPTY_FILE_GRACE_MS, noteConfigRead, phasesOf, roundMs, type AttemptOptions, type Outcome } from './outcome.ts'
import type { EngineParts } from './engine-parts.ts'
import { reconfigureNow } from './reconfigure.ts'
import { reportOutcome } from './report-outcome.ts'
import { rollbackTo, undoLast } from './rollback.ts'

/** What the plugin's session gives the engine besides the public options. */
export interface ReloadEngineOptions<C extends WizardClass = WizardClass> extends WizardReloaderOptions<C> {
  /** shared with the session so the status endpoint sees it */
  state?: WizardStateStore
  /** true when the watcher saw any of `files` change after `since` (`performance.now()`) */
  changedSince?: (files: string[], since: number) => boolean
  /** tracks replaced versions that stay in memory */
  leaks?: LeakWatch
  /** the history store, when the session shares it */
  historyStore?: ReloadHistory
  /** true when the plugin's load hook serves kept sources (`?wizard-hot-reload-version=N`): a rollback to a released class evaluates its source again */
  evaluatesKeptSources?: boolean
  /** after a version became the registered one, or the wizard was removed (undefined) */
  committed?: (wizardId: string, version: WizardVersion | undefined) => void
  /** a load read `file` as `content` (the session's save intake) */
  noteRead?: (file: string, content: string | undefined, signature: FileSignature | null) => void
}

/**
 * Re-evaluates one wizard through the dev server's module runner and registers the new class —
 * transactionally: on any failure the previously registered class stays registered, and the old
 * version is disposed (its signal aborted, its modules' `import.meta.hot.dispose` callbacks run)
 * only after the new one is registered. Calls for one wizard run one after the other. Internal:
 * the plugin's session drives it (its watcher's entry points, rollback, the lock); users get
 * `WizardReloader`, which wraps one.
 */
export class ReloadEngine<C extends WizardClass = WizardClass> implements EngineParts {
  /** */
  readonly state: WizardStateStore
  /** the environment wizards load in */
  readonly environment: RunnableDevEnvironment
  /** */
  readonly history: ReloadHistory
  readonly server: ViteDevServer
  readonly register: RegisterWizard<C> | undefined
  readonly unregister: UnregisterWizard | undefined
  readonly committed: (wizardId: string, version: WizardVersion | undefined) => void
  readonly evaluatesKeptSources: boolean
  readonly registerTimeout: number
  readonly loadTimeout: number
  readonly isWizardClass: (name: string, value: unknown) => boolean
  readonly configFile: ConfigFileOption | undefined
  readonly events: WizardEventSink
  readonly warn: (message: string) => void
  readonly advise: (message: string) => void
  readonly changedSince: (files: string[], since: number) => boolean
  readonly leaks: LeakWatch | undefined
  readonly queue = new KeyedSerialQueue()
  readonly instances: ModuleInstances
  readonly transactions: VersionTransactions<WizardVersion>
  readonly counters = new VersionCounters()
  /** Files that loaded without a wizard class: helpers, whose failures their importers report. */
  readonly helperFiles = new Set<string>()
  /** Files named like wizards that export no wizard class, warned about once. */
  readonly warnedHelpers = new Set<string>()
  disposed = false
  readonly noteRead: (file: string, content: string | undefined, signature: FileSignature | null) => void
  /** How reloads reach running instances unless a class says otherwise (`static hotReload`). */
  readonly instancesMode: InstancesMode
  /** The text each file being imported was read as: the plugin's load hook hands it to Vite. */
  readonly loadingSources = new Map<string, string>()

  constructor(options: ReloadEngineOptions<C>) {
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
    this.noteRead = options.noteRead ?? (() => {})
    this.instancesMode = options.instances ?? 'replace'
    this.history = options.historyStore ?? new ReloadHistory(options.history ?? 20)
    const root = options.server.config.root
    this.instances = new ModuleInstances(
      () => this.environment.runner,
      () => this.registerTimeout,
      this.warn,
      (url) => displayPath(root, url.startsWith(root) ? url : path.join(root, url)),
    )
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
   * The text `id` had when its reload read it, while the runner imports it; undefined
   * for any other id, and for a file with an inline source map (Vite's own load extracts it).
   */
  sourceBeingLoaded(id: string): string | undefined {
    const source = this.loadingSources.get(id)
    return source === undefined || source.includes('sourceMappingURL') ? undefined : source
  }

  /**
   * Runs `task` under the wizard's lock (the one queue per wizard). With a `token`, a call
   * that finds the same token still waiting joins it instead of queueing a second run.
   */
  exclusive<T>(wizardId: string, task: () => Promise<T>, token?: string): Promise<T> {
    return this.queue.run(wizardId, task, token)
  }

  /** resolves once no reload is queued or running */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  /**
   * One attempt, to be called under the wizard's lock. Undefined means "the file changed
   * while it loaded; nothing was registered or reported — call again" (unless `lastAttempt`).
   */
  async reloadNow(wizardId: string, file: string, options: AttemptOptions = {}): Promise<ReloadResult<C> | undefined> {
    const started = performance.now()
    const previous = this.state.get(wizardId)?.current
    const signature = readSignature(file)
    const source = readText(file)
    this.noteRead(file, source, signature)
    const outcome = await this.attempt(wizardId, file, source, started, previous, options)
    if (outcome.type === 'stale') return undefined
    return reportOutcome(this, wizardId, file, { source, signature, startedAt: started }, previous, options.initial ?? false, outcome)
  }

  private async attempt(
    wizardId: string,
    file: string,
    source: string | undefined,
    started: number,
    previous: WizardVersion | undefined,
    options: AttemptOptions,
  ): Promise<Outcome> {
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
    const failedPhases = (registerMs = 0): ReloadPhases => ({
      detectMs: roundMs(options.eventAt === undefined ? 0 : Math.max(0, started - options.eventAt)),
      loadMs: roundMs(loadMs),
      registerMs: roundMs(registerMs),
      disposeMs: 0,
    })
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
      if (found.reason === 'none' && !lastAttempt && (source ?? '').trim() === '' && (await this.changesWithin(file, source, EMPTY_FILE_GRACE_MS)))
        return { type: 'stale' }
      return { type: 'failed', failure: plainFailure('no-class', found.message), phases: failedPhases() }
    }

    // The config is read with the code: a save of both in one burst is one reload with both new.
    const configured = await this.loadConfig(wizardId, file, found.wizardClass)
    noteConfigRead(this, configured)
    if (this.disposed) return { type: 'cancelled' }
    if (!configured.ok) {
      await discard()
      if (!lastAttempt && (changedMeanwhile() || configChangedSince(configured))) return { type: 'stale' }
      return { type: 'failed', failure: configured.failure, phases: failedPhases() }
    }

    // Patch mode: the new members go onto the live class (plugin/patch/), unless that would not be faithful.
    const mode = instancesModeOf(found.wizardClass, this.instancesMode)
    const code = mode === 'patch' ? servedCode(this.environment, file) : undefined
    const step = patchStep({
      mode,
      live: previous?.wizardClass,
      next: found.wizardClass,
      liveCode: previous?.code,
      nextCode: code,
      onlyItsCode:
        mode === 'patch' &&
        previous !== undefined &&
        sameImports(previous.instances, all, file) &&
        configured.config?.hash === previous.config?.hash &&
        this.state.get(wizardId)?.lastError === null,
    })
    if (step.kind === 'unchanged') {
      await discard()
      return { type: 'unchanged', summary: step.summary }
    }
    const { version, controller, context } = this.transactions.prepare(wizardId, {
      file,
      previous: previous?.wizardClass,
      config: configured.value,
      patch: step.kind === 'patch' ? step.summary : undefined,
    })
    const candidate: WizardVersion = {
      wizardId,
      version,
      file,
      // Patched, the registered class stays the live one; its members are the new class's.
      wizardClass: step.kind === 'patch' ? previous!.wizardClass : found.wizardClass,
      members: found.wizardClass,
      code,
      ...(step.kind === 'patch' ? { patch: step.summary } : {}),
      ...(step.kind === 'replace' && step.fallback ? { fallback: step.fallback } : {}),
      context,
      controller,
      instances: all,
      source,
      config: configured.config,
      phases: NO_PHASES,
    }
    const committed = await this.transactions.commit(candidate, previous, step.kind === 'patch' ? step.apply : undefined)
    if (this.disposed) return { type: 'cancelled' }
    if (!committed.ok)
      return { type: 'failed', failure: this.refusalFailure(wizardId, committed.refusal, previous !== undefined), phases: failedPhases(committed.registerMs) }
    candidate.phases = phasesOf({ eventAt: options.eventAt, started, loadMs, registerMs: committed.registerMs, disposeMs: committed.disposeMs })
    return { type: 'reloaded', version: candidate, reason: 'code', configSource: configured.source }
  }

  /** the files a wizard's config may be in (to route their changes to it) */
  configFilesOf(wizardFile: string): string[] {
    return configWatchList(wizardFile, this.server.config.root, this.configFile)
  }

  loadConfig(wizardId: string, file: string, wizardClass: unknown): Promise<ConfigLoad> {
    return loadWizardConfig({
      wizardId,
      wizardFile: file,
      wizardClass,
      root: this.server.config.root,
      configFile: this.configFile,
      timeoutMs: this.loadTimeout > 0 ? this.loadTimeout : undefined,
    })
  }

  /** Evaluates the module, bounded by `loadTimeout`: a top level that never settles is a `timeout` failure. */
  async load(file: string): Promise<{ exports: Record<string, unknown> } | { failure: WizardReloadError; late?: Promise<unknown> }> {
    const importing = this.environment.runner.import(file) as Promise<Record<string, unknown>>
    const outcome = await settleWithin(importing, this.loadTimeout > 0 ? this.loadTimeout : undefined)
    if (outcome === TIMED_OUT) {
      const seconds = Math.round(this.loadTimeout / 100) / 10
      return {
        late: importing,
        failure: plainFailure(
          'timeout',
          `${displayPath(this.server.config.root, file)} did not finish loading within ${seconds} s (loadTimeout): its top level, or a module it imports, never settles (an await that never resolves?)`,
        ),
      }
    }
    if ('error' in outcome) {
      formatStackWithSources(outcome.error, this.environment.runner)
      const root = this.server.config.root
      return { failure: locateJsonFailure(classifyLoadError(outcome.error, file, root), importedFiles(this.environment, file), root) }
    }
    return { exports: outcome.value }
  }

  importedExportsOf(file: string): Record<string, unknown>[] {
    try {
      return importedExports(this.environment.runner, file)
    } catch {
      return []
    }
  }

  /** Waits up to `ms` for the file to stop reading as `source`. */
  async changesWithin(file: string, source: string | undefined, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      if (this.disposed || readText(file) !== source) return true
    }
    return false
  }

  /** unregisters, to be called under the wizard's lock */
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

  /** The next save of a pinned wizard's file, or a retry: what is on disk loads again (an intent; the state store writes it). */
  unpin(wizardId: string): void {
    this.state.unpin(wizardId)
  }

  /** what the wizard's config file on disk holds now (a hash), or null when there is none */
  configOnDisk(wizardFile: string): string | null {
    for (const candidate of this.configFilesOf(wizardFile)) {
      const text = readText(candidate)
      if (text !== undefined) return hashOf(text)
    }
    return null
  }

  /** A refused register step, as a failure event says it (a timeout also says what kept serving). */
  refusalFailure(wizardId: string, refusal: RegisterRefusal | undefined, hadPrevious: boolean): WizardReloadError {
    if (!refusal) return plainFailure('register', `${wizardId}: the dev server is closing`)
    if (refusal.kind === 'timeout') return plainFailure('timeout', `${refusal.message}; ${hadPrevious ? 'kept the previous version' : 'not registered'}.`)
    return plainFailure('register', refusal.message, refusal.thrown, this.server.config.root)
  }

  /** The wizard's config file changed (or appeared, or went away): see `reconfigureNow` in reconfigure.ts. */
  reconfigureNow(wizardId: string, options: AttemptOptions = {}): Promise<ReloadResult<C> | 'code' | 'unchanged' | undefined> {
    return reconfigureNow(this, wizardId, options)
  }

  /** Registers a kept version again (see rollback.ts); the wizard is then pinned until its next save. */
  rollback(wizardId: string, version: number): Promise<RollbackOutcome> {
    return rollbackTo(this, wizardId, version)
  }

  /** Rolls back to the version registered before the current one. */
  undo(wizardId: string): Promise<RollbackOutcome> {
    return undoLast(this, wizardId)
  }
}

/** Both versions run on the very same instances of every module but the wizard's own (no module it imports was evaluated afresh). */
function sameImports(before: ModuleInstance[], after: ModuleInstance[], file: string): boolean {
  const others = (instances: ModuleInstance[]) => instances.filter((instance) => !instance.id.startsWith(file))
  const earlier = new Set(others(before))
  const now = others(after)
  return now.length === earlier.size && now.every((instance) => earlier.has(instance))
}
