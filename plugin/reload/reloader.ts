import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { WizardReloadError } from '../../client/protocol.ts'
import { classifyLoadError, plainFailure } from '../errors/classify-error.ts'
import { displayPath } from '../errors/display-path.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { readText } from '../files/read-text.ts'
import { defaultIsWizardClass, hasWizardSuffix } from '../files/wizard-files.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { RegisterWizard, UnregisterWizard } from '../types.ts'
import type { ReloadResult, WizardClass } from '../types.ts'
import { importedExports, invalidateFile } from '../vite-internals/module-graph.ts'
import type { SsrErrorLogFilter } from '../vite-internals/ssr-error-log-filter.ts'
import { findWizardClass } from './find-wizard-class.ts'
import { KeyedSerialQueue } from './keyed-queue.ts'
import { settleWithin, TIMED_OUT } from './settle-within.ts'
import { WizardStateStore } from './wizard-state.ts'

export interface WizardReloaderOptions<C extends WizardClass = WizardClass> {
  /** A Vite dev server; modules are evaluated through its module graph. */
  server: ViteDevServer
  register?: RegisterWizard<C>
  unregister?: UnregisterWizard
  /** Milliseconds a `register` call may take. @default 5000 */
  registerTimeout?: number
  /** Milliseconds a module may take to evaluate (`0`: no limit). @default 10000 */
  loadTimeout?: number
  /** @default exported class named `…Wizard`, not `Base…`/`Abstract…`, or an anonymous default export */
  isWizardClass?: (name: string, value: unknown) => boolean
  /** Receives reloaded / failed / removed events. */
  events?: WizardEventSink
  /** Where warnings go (a late register, a file named like a wizard without a class). @default the server's logger */
  warn?: (message: string) => void
  /** @internal shared with the session so the status endpoint sees it */
  state?: WizardStateStore
  /** @internal drops Vite's duplicate log of evaluation errors */
  logFilter?: SsrErrorLogFilter
  /** @internal true when the watcher saw any of `files` change after `since` (`performance.now()`) */
  changedSince?: (files: string[], since: number) => boolean
}

export interface ReloadOptions {
  /** An initial load: no `reloaded` event and it does not count as a reload. */
  initial?: boolean
}

/** @internal how one attempt ended, before it becomes a public `ReloadResult` */
type Outcome =
  | { type: 'reloaded'; wizardClass: WizardClass }
  | { type: 'failed'; failure: WizardReloadError }
  | { type: 'helper'; failure?: WizardReloadError; exportNames?: string[] }
  /** The file changed while it loaded: nothing was registered or reported; load it again. */
  | { type: 'stale' }
  | { type: 'cancelled' }

/** A save that truncates first can be seen empty for a moment: give the write this long to land. */
const EMPTY_FILE_GRACE_MS = 150

/**
 * Re-evaluates one wizard through the dev server's module graph and registers the new class —
 * transactionally: on any failure the previously registered class stays registered. Calls for one
 * wizard run one after the other.
 */
export class WizardReloader<C extends WizardClass = WizardClass> {
  /** @internal */
  readonly state: WizardStateStore
  private readonly server: ViteDevServer
  private register: RegisterWizard<C> | undefined
  private unregister: UnregisterWizard | undefined
  private readonly registerTimeout: number
  private readonly loadTimeout: number
  private readonly isWizardClass: (name: string, value: unknown) => boolean
  private readonly events: WizardEventSink
  private readonly warn: (message: string) => void
  private readonly logFilter: SsrErrorLogFilter | undefined
  private readonly changedSince: (files: string[], since: number) => boolean
  private readonly queue = new KeyedSerialQueue()
  /** Files that loaded without a wizard class: helpers, whose failures their importers report. */
  private readonly helperFiles = new Set<string>()
  /** Files named like wizards that export no wizard class, warned about once. */
  private readonly warnedHelpers = new Set<string>()
  /** Bumped on every register call per wizard, so a late answer can tell whether it is stale. */
  private readonly registerGeneration = new Map<string, number>()
  private disposed = false

  constructor(options: WizardReloaderOptions<C>) {
    this.server = options.server
    this.register = options.register
    this.unregister = options.unregister
    this.registerTimeout = options.registerTimeout ?? 5000
    this.loadTimeout = options.loadTimeout ?? 10_000
    this.isWizardClass = options.isWizardClass ?? defaultIsWizardClass
    this.events = options.events ?? {}
    this.state = options.state ?? new WizardStateStore()
    this.warn = options.warn ?? ((message) => options.server.config.logger.warn(message, { timestamp: true }))
    this.logFilter = options.logFilter
    this.changedSince = options.changedSince ?? (() => false)
  }

  /** @internal swaps the register/unregister callbacks (the `registry` module was re-evaluated) */
  setCallbacks(register: RegisterWizard<C> | undefined, unregister: UnregisterWizard | undefined): void {
    this.register = register
    this.unregister = unregister
  }

  /** Successful hot reloads since the reloader was created (initial loads excluded). */
  getReloadCount(): number {
    return this.state.reloadCount
  }

  /** Reloads one wizard; calls for the same wizard run one after the other. */
  reloadWizard(wizardId: string, filePath: string, options: ReloadOptions = {}): Promise<ReloadResult<C>> {
    const file = path.resolve(filePath)
    return this.exclusive(wizardId, async () => {
      // Standalone use has no watcher to call again: load until what loaded is what is on disk.
      for (let attempt = 1; ; attempt++) {
        const result = await this.reloadNow(wizardId, file, { ...options, lastAttempt: attempt >= MAX_ATTEMPTS })
        if (result) return result
      }
    })
  }

  /** The file of `wizardId` was deleted: unregister it (only if that file is what is registered). */
  removeWizard(wizardId: string, filePath: string): Promise<boolean> {
    return this.exclusive(wizardId, () => this.removeNow(wizardId, path.resolve(filePath)))
  }

  /** No register/unregister call happens after this. */
  dispose(): void {
    this.disposed = true
  }

  get isDisposed(): boolean {
    return this.disposed
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
  async reloadNow(wizardId: string, file: string, { initial = false, lastAttempt = false }: ReloadOptions & { lastAttempt?: boolean }): Promise<ReloadResult<C> | undefined> {
    const started = performance.now()
    const previousClass = this.state.get(wizardId)?.wizardClass ?? null
    const source = readText(file)
    const outcome = await this.attempt(wizardId, file, source, started, { initial, lastAttempt })
    if (outcome.type === 'stale') return undefined
    return this.finish(wizardId, file, source, started, previousClass, initial, outcome)
  }

  private async attempt(wizardId: string, file: string, source: string | undefined, started: number, { initial, lastAttempt }: { initial: boolean; lastAttempt: boolean }): Promise<Outcome> {
    const previousClass = this.state.get(wizardId)?.wizardClass ?? null
    const changedMeanwhile = () => !lastAttempt && readText(file) !== source

    invalidateFile(this.server, file)
    const loaded = await this.load(file)
    if (this.disposed) return { type: 'cancelled' }
    if (changedMeanwhile()) return { type: 'stale' }
    if ('failure' in loaded) {
      // A failure is only reported for content that is still on disk — the file's own, or the helper it points into.
      const involved = loaded.failure.loc ? [file, loaded.failure.loc.file] : [file]
      if (!lastAttempt && this.changedSince(involved, started)) return { type: 'stale' }
      if (this.helperFiles.has(file)) return { type: 'helper', failure: loaded.failure }
      return { type: 'failed', failure: loaded.failure }
    }

    const found = findWizardClass(loaded.exports, this.isWizardClass, this.importedExportsOf(file))
    if (!found.ok) {
      if (found.reason === 'none' && previousClass === null) return { type: 'helper', exportNames: found.exportNames }
      // An empty file is most likely a save caught between its truncate and its write.
      if (found.reason === 'none' && !lastAttempt && (source ?? '').trim() === '' && (await this.changesWithin(file, source, EMPTY_FILE_GRACE_MS))) return { type: 'stale' }
      return { type: 'failed', failure: plainFailure('no-class', found.message) }
    }

    const registered = await this.callRegister(wizardId, found.wizardClass as C, previousClass as C | null, initial)
    if (this.disposed) return { type: 'cancelled' }
    if (registered !== true) return { type: 'failed', failure: registered }
    return { type: 'reloaded', wizardClass: found.wizardClass }
  }

  /** Records the outcome, tells the sinks, and builds the public result — in this one place. */
  private finish(wizardId: string, file: string, source: string | undefined, started: number, previousClass: WizardClass | null, initial: boolean, outcome: Exclude<Outcome, { type: 'stale' }>): ReloadResult<C> {
    const root = this.server.config.root
    const base = { wizardId, file, error: null, failure: null, helper: false, wizardClass: previousClass as C | null }
    const durationMs = () => roundMs(performance.now() - started)
    switch (outcome.type) {
      case 'cancelled':
        return { ...base, success: false, message: `${wizardId}: reload cancelled (server closing)`, durationMs: durationMs() }
      case 'helper': {
        if (outcome.failure) {
          const where = outcome.failure.loc ? `${displayPath(root, outcome.failure.loc.file)}:${outcome.failure.loc.line}:${outcome.failure.loc.column}` : displayPath(root, file)
          this.warn(`helper ${where} failed to load: ${outcome.failure.message} (wizards importing it keep their previous versions)`)
          return { ...base, success: false, helper: true, message: outcome.failure.message, error: outcome.failure.message, failure: outcome.failure, durationMs: durationMs() }
        }
        this.becameHelper(wizardId, file, outcome.exportNames ?? [])
        return { ...base, success: false, helper: true, message: `${path.basename(file)} is a helper (no wizard class)`, durationMs: durationMs() }
      }
      case 'failed': {
        const timestamp = Date.now()
        this.state.recordFailure(wizardId, file, outcome.failure, timestamp).lastAttempt = { source, startedAt: started }
        this.events.failed?.({ wizardId, file, timestamp, error: outcome.failure, keptPreviousVersion: previousClass !== null })
        const kept = previousClass ? ' (kept previous version)' : ''
        return { ...base, success: false, message: `${wizardId} failed: ${outcome.failure.message}${kept}`, error: outcome.failure.message, failure: outcome.failure, durationMs: durationMs() }
      }
      case 'reloaded': {
        const previous = this.state.get(wizardId)
        if (previous && previous.file !== file && previous.wizardClass !== null && readText(previous.file) !== undefined) {
          const relative = (f: string) => displayPath(root, f)
          this.warn(`${wizardId}: ${relative(file)} and ${relative(previous.file)} both map to the wizard id "${wizardId}"; ${relative(file)} (loaded last) is registered. Rename one, or pass a wizardId option.`)
        }
        this.helperFiles.delete(file)
        const record = this.state.recordSuccess(wizardId, file, outcome.wizardClass, source, !initial)
        record.lastAttempt = { source, startedAt: started }
        const ms = durationMs()
        if (!initial) this.events.reloaded?.({ wizardId, file, reloadCount: record.reloadCount, durationMs: ms, timestamp: Date.now() })
        return { ...base, success: true, wizardClass: outcome.wizardClass as C, message: `${wizardId} ${initial ? 'loaded' : 'reloaded'} in ${ms} ms`, durationMs: ms }
      }
    }
  }

  /** Evaluates the module, bounded by `loadTimeout`: a top level that never settles is a `timeout` failure. */
  private async load(file: string): Promise<{ exports: Record<string, unknown> } | { failure: WizardReloadError }> {
    const release = this.logFilter?.begin(file)
    try {
      const outcome = await settleWithin(this.server.ssrLoadModule(file, { fixStacktrace: true }), this.loadTimeout > 0 ? this.loadTimeout : undefined)
      if (outcome === TIMED_OUT) {
        const seconds = Math.round(this.loadTimeout / 100) / 10
        return { failure: plainFailure('timeout', `${displayPath(this.server.config.root, file)} did not finish loading within ${seconds} s (loadTimeout): its top level, or a module it imports, never settles (an await that never resolves?)`) }
      }
      if ('error' in outcome) return { failure: classifyLoadError(outcome.error, file, this.server.config.root) }
      return { exports: outcome.value }
    } finally {
      release?.()
    }
  }

  private importedExportsOf(file: string): Record<string, unknown>[] {
    try {
      return importedExports(this.server, file)
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
    this.bumpGeneration(wizardId)
    if (record.wizardClass !== null && this.unregister) {
      try {
        await this.unregister(wizardId)
      } catch (error) {
        this.warn(`${wizardId}: unregister threw ${describeThrown(error)}`)
      }
    }
    this.events.removed?.({ wizardId, file, timestamp: Date.now() })
    return true
  }

  /** Returns true, or the failure. */
  private async callRegister(wizardId: string, wizardClass: C, previousClass: C | null, initial: boolean): Promise<true | WizardReloadError> {
    const register = this.register
    if (!register) return true
    const generation = this.bumpGeneration(wizardId)
    const call = Promise.resolve().then(() => register(wizardId, wizardClass))
    const outcome = await settleWithin(call, this.registerTimeout)

    if (outcome === TIMED_OUT) {
      void call.then(
        (value) => {
          if (value === false || this.disposed || this.registerGeneration.get(wizardId) !== generation) return
          this.warn(`${wizardId}: register finished after the ${this.registerTimeout} ms timeout; restoring the previous version.`)
          void this.restore(wizardId, previousClass)
        },
        () => {},
      )
      return plainFailure('timeout', `register("${wizardId}") did not finish within ${this.registerTimeout} ms (registerTimeout); ${initial ? 'not registered' : 'kept the previous version'}.`)
    }
    if ('error' in outcome) return plainFailure('register', `register("${wizardId}") threw ${describeThrown(outcome.error)}`, outcome.error, this.server.config.root)
    if (outcome.value === false) return plainFailure('register', `register("${wizardId}") returned false`)
    return true
  }

  private async restore(wizardId: string, previousClass: C | null): Promise<void> {
    try {
      if (previousClass) await this.register?.(wizardId, previousClass)
      else await this.unregister?.(wizardId)
    } catch (error) {
      this.warn(`${wizardId}: restoring the previous version failed: ${describeThrown(error)}`)
    }
  }

  private becameHelper(wizardId: string, file: string, exportNames: string[]): void {
    this.helperFiles.add(file)
    // A file that never registered a class and now exports none is a helper; clear any failure shown for it.
    const record = this.state.get(wizardId)
    if (record && record.file === file && record.wizardClass === null) {
      this.state.delete(wizardId)
      this.events.removed?.({ wizardId, file, timestamp: Date.now() })
    }
    if (hasWizardSuffix(file) && !this.warnedHelpers.has(file)) {
      this.warnedHelpers.add(file)
      this.warn(
        `${displayPath(this.server.config.root, file)} is named like a wizard but exports no wizard class (exports: ${exportNames.join(', ') || 'none'}), so it is treated as a helper (never registered). ` +
          `Export a class whose name ends with "Wizard" (not Base…/Abstract…), or \`export default class { … }\`.`,
      )
    }
  }

  private bumpGeneration(wizardId: string): number {
    const next = (this.registerGeneration.get(wizardId) ?? 0) + 1
    this.registerGeneration.set(wizardId, next)
    return next
  }
}

/** Loads of one change, at most, when the file keeps changing while it loads. */
const MAX_ATTEMPTS = 20

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10
}
