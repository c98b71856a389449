import fs from 'node:fs'
import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { WizardReloadError } from '../../client/protocol.ts'
import { classifyLoadError, plainFailure } from '../errors/classify-error.ts'
import { displayPath } from '../errors/display-path.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import { findWizardClass } from './find-wizard-class.ts'
import { KeyedSerialQueue } from './keyed-queue.ts'
import type { RegisterWizard, UnregisterWizard } from '../options.ts'
import { SsrErrorLogFilter } from '../vite-internals/ssr-error-log-filter.ts'
import { importedExports, invalidateFile } from '../vite-internals/module-graph.ts'
import type { ReloadResult, WizardClass } from '../types.ts'
import { defaultIsWizardClass } from '../files/wizard-files.ts'
import { WizardStateStore } from './wizard-state.ts'

export interface WizardReloaderOptions {
  /** A Vite dev server; modules are evaluated with its `ssrLoadModule`. */
  server: ViteDevServer
  register?: RegisterWizard
  unregister?: UnregisterWizard
  /** @default 5000 */
  registerTimeout?: number
  /** @default exported class named `…Wizard`, not `Base…`/`Abstract…` */
  isWizardClass?: (name: string, value: unknown) => boolean
  /** Receives reloaded / failed / removed events. */
  events?: WizardEventSink
  /** Shared state (the plugin passes its own so the status endpoint sees it). */
  state?: WizardStateStore
  /** Called when something worth a terminal line happens that is not an event (a late register). */
  warn?: (message: string) => void
  /** @internal set by the plugin to drop Vite's duplicate error log */
  logFilter?: SsrErrorLogFilter
}

export interface ReloadOptions {
  /** An initial load: no `reloaded` event and it does not count as a reload. */
  initial?: boolean
}

const TIMED_OUT = Symbol('timed out')

/**
 * Re-evaluates one wizard through the dev server's module graph and registers the new class —
 * transactionally: on any failure the previously registered class stays registered.
 */
export class WizardReloader {
  readonly state: WizardStateStore
  private readonly server: ViteDevServer
  private register: RegisterWizard | undefined
  private unregister: UnregisterWizard | undefined
  private readonly registerTimeout: number
  private readonly isWizardClass: (name: string, value: unknown) => boolean
  private readonly events: WizardEventSink
  private readonly warn: (message: string) => void
  private readonly logFilter: SsrErrorLogFilter | undefined
  private readonly queue = new KeyedSerialQueue()
  /** Files that loaded without a wizard class: helpers, whose failures their importers report. */
  private readonly helperFiles = new Set<string>()
  /** Bumped on every register call per wizard, so a late answer can tell whether it is stale. */
  private readonly registerGeneration = new Map<string, number>()
  private disposed = false

  constructor(options: WizardReloaderOptions) {
    this.server = options.server
    this.register = options.register
    this.unregister = options.unregister
    this.registerTimeout = options.registerTimeout ?? 5000
    this.isWizardClass = options.isWizardClass ?? defaultIsWizardClass
    this.events = options.events ?? {}
    this.state = options.state ?? new WizardStateStore()
    this.warn = options.warn ?? ((message) => options.server.config.logger.warn(message, { timestamp: true }))
    this.logFilter = options.logFilter
  }

  /** Swaps the register/unregister callbacks (the `registry` module was re-evaluated). */
  setCallbacks(register: RegisterWizard | undefined, unregister: UnregisterWizard | undefined): void {
    this.register = register
    this.unregister = unregister
  }

  /** Successful hot reloads since the reloader was created (initial loads excluded). */
  getReloadCount(): number {
    return this.state.reloadCount
  }

  /** Reloads one wizard; calls for the same wizard run one after the other. */
  reloadWizard(wizardId: string, filePath: string, options: ReloadOptions = {}): Promise<ReloadResult> {
    let result!: ReloadResult
    return this.queue.run(wizardId, async () => {
      result = await this.reloadNow(wizardId, path.resolve(filePath), options)
    }).then(() => result)
  }

  /** The file of `wizardId` was deleted: unregister it (only if that file is what is registered). */
  removeWizard(wizardId: string, filePath: string): Promise<boolean> {
    let removed = false
    return this.queue.run(wizardId, async () => {
      removed = await this.removeNow(wizardId, path.resolve(filePath))
    }).then(() => removed)
  }

  /** No register/unregister call happens after this. */
  dispose(): void {
    this.disposed = true
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  private async reloadNow(wizardId: string, file: string, { initial = false }: ReloadOptions): Promise<ReloadResult> {
    const started = performance.now()
    const previous = this.state.get(wizardId)
    const previousClass = previous?.wizardClass ?? null
    const root = this.server.config.root

    invalidateFile(this.server, file)
    let moduleExports: Record<string, unknown>
    try {
      const load = () => this.server.ssrLoadModule(file, { fixStacktrace: true })
      moduleExports = this.logFilter ? await this.logFilter.whileLoading(file, load) : await load()
    } catch (error) {
      if (this.disposed) return this.result(wizardId, file, started, { cancelled: true, previousClass })
      const failure = classifyLoadError(error, file, root)
      if (this.helperFiles.has(file)) return this.helperFailed(wizardId, file, started, failure)
      return this.fail(wizardId, file, started, previousClass, failure)
    }
    if (this.disposed) return this.result(wizardId, file, started, { cancelled: true, previousClass })

    const found = findWizardClass(moduleExports, this.isWizardClass, importedExports(this.server, file))
    if (!found.ok) {
      if (found.reason === 'none' && previousClass === null) return this.becameHelper(wizardId, file, started)
      return this.fail(wizardId, file, started, previousClass, plainFailure('no-class', found.message))
    }

    const registered = await this.callRegister(wizardId, found.wizardClass, previousClass)
    if (this.disposed) return this.result(wizardId, file, started, { cancelled: true, previousClass })
    if (registered !== true) return this.fail(wizardId, file, started, previousClass, registered)

    if (previous && previous.file !== file && previous.wizardClass !== null && fs.existsSync(previous.file)) {
      const relative = (f: string) => displayPath(root, f)
      this.warn(`${wizardId}: ${relative(file)} and ${relative(previous.file)} both map to the wizard id "${wizardId}"; ${relative(file)} (loaded last) is registered. Rename one, or pass a wizardId option.`)
    }
    this.helperFiles.delete(file)
    const record = this.state.recordSuccess(wizardId, file, found.wizardClass, !initial)
    const durationMs = roundMs(performance.now() - started)
    if (!initial) {
      this.events.reloaded?.({ wizardId, file, reloadCount: record.reloadCount, durationMs, timestamp: Date.now() })
    }
    return {
      success: true,
      wizardId,
      file,
      message: `${wizardId} ${initial ? 'loaded' : 'reloaded'} in ${durationMs} ms`,
      error: null,
      failure: null,
      wizardClass: found.wizardClass,
      durationMs,
      helper: false,
    }
  }

  private async removeNow(wizardId: string, file: string): Promise<boolean> {
    const record = this.state.get(wizardId)
    if (!record || record.file !== file) return false
    if (this.disposed) return false
    this.state.delete(wizardId)
    this.bumpGeneration(wizardId)
    if (record.wizardClass !== null && this.unregister) {
      try {
        await this.unregister(wizardId)
      } catch (error) {
        this.warn(`${wizardId}: unregister threw: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    this.events.removed?.({ wizardId, file, timestamp: Date.now() })
    return true
  }

  /** Returns true, or the failure. */
  private async callRegister(wizardId: string, wizardClass: WizardClass, previousClass: WizardClass | null): Promise<true | WizardReloadError> {
    const register = this.register
    if (!register) return true
    const generation = this.bumpGeneration(wizardId)
    const call = Promise.resolve().then(() => register(wizardId, wizardClass))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.registerTimeout)
    })
    const outcome = await Promise.race([call.then((value) => ({ value }), (error: unknown) => ({ error })), timeout])
    clearTimeout(timer)

    if (outcome === TIMED_OUT) {
      void call.then(
        (value) => {
          if (value === false || this.disposed || this.registerGeneration.get(wizardId) !== generation) return
          this.warn(`${wizardId}: register finished after the ${this.registerTimeout} ms timeout; restoring the previous version.`)
          void this.restore(wizardId, previousClass)
        },
        () => {},
      )
      return plainFailure('timeout', `register("${wizardId}") did not finish within ${this.registerTimeout} ms (registerTimeout); kept the previous version.`)
    }
    if ('error' in outcome) {
      const message = outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error)
      return plainFailure('register', `register("${wizardId}") threw ${message}`, outcome.error, this.server.config.root)
    }
    if (outcome.value === false) return plainFailure('register', `register("${wizardId}") returned false`)
    return true
  }

  private async restore(wizardId: string, previousClass: WizardClass | null): Promise<void> {
    try {
      if (previousClass) await this.register?.(wizardId, previousClass)
      else await this.unregister?.(wizardId)
    } catch (error) {
      this.warn(`${wizardId}: restoring the previous version failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /** A known helper failed to load: one terminal line; the wizards importing it report the details. */
  private helperFailed(wizardId: string, file: string, started: number, failure: WizardReloadError): ReloadResult {
    const root = this.server.config.root
    const where = failure.loc ? `${displayPath(root, failure.loc.file)}:${failure.loc.line}:${failure.loc.column}` : displayPath(root, file)
    this.warn(`helper ${where} failed to load: ${failure.message} (wizards importing it keep their previous versions)`)
    return { ...this.result(wizardId, file, started, { previousClass: null }), message: failure.message, error: failure.message, failure, helper: true }
  }

  private becameHelper(wizardId: string, file: string, started: number): ReloadResult {
    this.helperFiles.add(file)
    // A file that never registered a class and now exports none is a helper; clear any failure shown for it.
    const record = this.state.get(wizardId)
    if (record && record.file === file && record.wizardClass === null) {
      this.state.delete(wizardId)
      this.events.removed?.({ wizardId, file, timestamp: Date.now() })
    }
    return { ...this.result(wizardId, file, started, { previousClass: null }), message: `${path.basename(file)} is a helper (no wizard class)`, helper: true }
  }

  private fail(wizardId: string, file: string, started: number, previousClass: WizardClass | null, failure: WizardReloadError): ReloadResult {
    const timestamp = Date.now()
    this.state.recordFailure(wizardId, file, failure, timestamp)
    this.events.failed?.({ wizardId, file, timestamp, error: failure, keptPreviousVersion: previousClass !== null })
    return {
      success: false,
      wizardId,
      file,
      message: `${wizardId} failed: ${failure.message}${previousClass ? ' (kept previous version)' : ''}`,
      error: failure.message,
      failure,
      wizardClass: previousClass,
      durationMs: roundMs(performance.now() - started),
      helper: false,
    }
  }

  private result(wizardId: string, file: string, started: number, { previousClass, cancelled = false }: { previousClass: WizardClass | null; cancelled?: boolean }): ReloadResult {
    return {
      success: false,
      wizardId,
      file,
      message: cancelled ? `${wizardId}: reload cancelled (server closing)` : '',
      error: null,
      failure: null,
      wizardClass: previousClass,
      durationMs: roundMs(performance.now() - started),
      helper: false,
    }
  }

  private bumpGeneration(wizardId: string): number {
    const next = (this.registerGeneration.get(wizardId) ?? 0) + 1
    this.registerGeneration.set(wizardId, next)
    return next
  }
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10
}
