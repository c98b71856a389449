import { instancesModeOf, patchStep } from '../reload/patch-step.ts'
import { VersionTransactions, type TransactionVersion } from '../reload/version-transaction.ts'
import type { ModuleRunner } from 'vite/module-runner'
import { interpretWizardConfig, type WizardConfig } from '../config/wizard-config.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { defaultIsWizardClass } from '../files/wizard-files.ts'
import { findWizardClass } from '../reload/find-wizard-class.ts'
import { hashOf } from '../shared/content-hash.ts'
import { KeyedSerialQueue } from '../shared/keyed-queue.ts'
import { ModuleInstances, type ModuleInstance } from '../reload/module-instances.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import { VersionCounters } from '../reload/wizard-version.ts'
import type { RegisterWizard, UnregisterWizard, WizardClass } from '../types.ts'
import { formatStackWithSources, importedExports, runnerNodesOf } from '../vite-internals/runner-graph.ts'
import { jsonFields } from '../errors/error-fields.ts'
import type { RemoteError, WireConfig, WireOptions, WireOutcome, WireWizard } from '../backend-link/protocol.ts'

/** One version registered in this backend process. */
interface LocalVersion extends TransactionVersion {
  /** The evaluated class whose members are in effect: `wizardClass`, or the class patched into it (patch mode). */
  members: WizardClass
  /** The dev server's number for it (what a rollback names); `version` is this process's own (1, 2, 3 … per wizard, also across dev-server restarts). */
  serverVersion: number
  file: string
  config: WizardConfig | undefined
  configHash: string | null
  closureHash: string
  /** Registered by a rollback (not from the files as they are). */
  rolledBack: boolean
}

export interface BackendWizardsOptions<C extends WizardClass> {
  runner: ModuleRunner
  register: RegisterWizard<C>
  unregister: UnregisterWizard | undefined
  isWizardClass: ((name: string, value: unknown) => boolean) | undefined
  options: () => WireOptions
  warn: (message: string) => void
}

type Attempt = { ok: true; version: LocalVersion } | { ok: false; error: RemoteError }

/**
 * The wizards registered in a backend process, loaded through its own module runner (code
 * transformed by the dev server) — with the dev server's semantics: transactional (a failure keeps
 * the running version; the replaced one is disposed only after the new one is registered), one
 * at a time per wizard, `register` bounded by `registerTimeout`, the same `context`.
 */
export class BackendWizards<C extends WizardClass = WizardClass> {
  private readonly current = new Map<string, LocalVersion>()
  /** Registered versions kept for rollback, oldest first (the last `history` of them). */
  private readonly kept = new Map<string, LocalVersion[]>()
  private readonly counters = new VersionCounters()
  private readonly queue = new KeyedSerialQueue()
  private readonly instances: ModuleInstances
  private readonly transactions: VersionTransactions<LocalVersion>
  /** The content hash each file had when this runner last evaluated it (as the dev server told). */
  private readonly evaluated = new Map<string, string>()
  /** The dev server session the kept versions' numbers belong to. */
  private session: string | undefined
  private closed = false

  constructor(private readonly o: BackendWizardsOptions<C>) {
    this.instances = new ModuleInstances(
      () => o.runner,
      () => o.options().registerTimeout,
      o.warn,
    )
    this.transactions = new VersionTransactions<LocalVersion>({
      register: () => o.register as RegisterWizard,
      unregister: () => o.unregister,
      registerTimeout: () => o.options().registerTimeout,
      instances: this.instances,
      counters: this.counters,
      warn: o.warn,
      forget: (ids) => this.forget(ids),
      closed: () => this.closed,
    })
  }

  /** What is registered here, for the dev server to tell what is out of date. */
  summary(): Record<string, { closureHash: string; configHash: string | null }> {
    return Object.fromEntries([...this.current].map(([id, version]) => [id, { closureHash: version.closureHash, configHash: version.configHash }]))
  }

  registered(): Array<{ wizardId: string; version: number; file: string }> {
    return [...this.current.values()].map(({ wizardId, version, file }) => ({ wizardId, version, file }))
  }

  /**
   * Before loading a wizard: its own module, and every module of its closure whose content is not
   * what this runner evaluated (plus what imports those), are evaluated afresh.
   */
  private refresh(wizard: WireWizard): void {
    const stale = [wizard.file, ...wizard.closure.filter(({ file, hash }) => this.evaluated.get(file) !== hash).map(({ file }) => file)]
    const modules = this.o.runner.evaluatedModules
    const queue = stale.flatMap((file) => runnerNodesOf(this.o.runner, file))
    const seen = new Set<string>()
    while (queue.length > 0) {
      const node = queue.pop()!
      if (seen.has(node.id)) continue
      seen.add(node.id)
      for (const importer of node.importers) {
        const importerNode = modules.getModuleById(importer)
        if (importerNode) queue.push(importerNode)
      }
      modules.invalidateModule(node)
    }
    for (const { file, hash } of wizard.closure) this.evaluated.set(file, hash)
  }

  /** Brings this process in line with the dev server's wizards (on every (re)connect): loads what is new or out of date, removes what is gone. */
  async sync({
    session,
    wizards,
    failing,
    complete,
  }: {
    session: string
    wizards: WireWizard[]
    failing: string[]
    complete: boolean
  }): Promise<WireOutcome[]> {
    const outcomes: WireOutcome[] = []
    if (this.session !== undefined && this.session !== session) {
      // A restarted dev server numbers versions afresh: what was kept for its rollbacks no longer matches.
      for (const [wizardId, current] of this.current) this.kept.set(wizardId, [current])
    }
    this.session = session
    // Only what the dev server no longer knows goes; a wizard failing there keeps its version here.
    const known = new Set([...wizards.map((wizard) => wizard.wizardId), ...failing])
    if (complete) for (const wizardId of [...this.current.keys()]) if (!known.has(wizardId)) outcomes.push(await this.remove(wizardId))
    const stale = wizards.filter((wizard) => {
      const local = this.current.get(wizard.wizardId)
      const upToDate =
        local !== undefined && local.file === wizard.file && local.closureHash === wizard.closureHash && local.configHash === configHashOf(wizard.config)
      // Rolled back on the dev server (a reconnect, not a restart: the numbers are the same): this backend has it too.
      const samePin = local !== undefined && wizard.pinned && local.serverVersion === wizard.version && local.rolledBack
      if (local && (upToDate || samePin)) {
        local.serverVersion = wizard.version
        outcomes.push({ wizardId: wizard.wizardId, ok: true, version: local.version, durationMs: 0 })
        return false
      }
      return true
    })
    // Everything out of date is forgotten first, then loaded side by side (one wizard's refresh never hits another's import).
    for (const wizard of stale) this.refresh(wizard)
    outcomes.push(...(await Promise.all(stale.map((wizard) => this.load(wizard, false)))))
    return outcomes
  }

  load(wizard: WireWizard, refresh = true): Promise<WireOutcome> {
    return this.queue.run(wizard.wizardId, async () => {
      const started = performance.now()
      if (refresh) this.refresh(wizard)
      const attempt = await this.attempt(wizard)
      return this.outcome(wizard.wizardId, attempt, started)
    })
  }

  /** The wizard's config changed: the current class registers again with it, no code evaluated. */
  reconfigure(wizard: WireWizard): Promise<WireOutcome> {
    const { wizardId, version: serverVersion, config, configDescribed } = wizard
    const current = this.current.get(wizardId)
    // Its code here is not the dev server's (its last load failed here, say): load it all, config included.
    if (!current || current.closureHash !== wizard.closureHash || current.file !== wizard.file) return this.load(wizard)
    return this.queue.run(wizardId, async () => {
      const started = performance.now()
      const current = this.current.get(wizardId)
      if (!current) return this.outcome(wizardId, { ok: false, error: { kind: 'register', message: `${wizardId} is not loaded in this backend` } }, started)
      const configured = await interpretWizardConfig({
        wizardId,
        wizardClass: current.wizardClass,
        root: this.o.options().root,
        timeoutMs: this.loadTimeout(),
        found: config ?? undefined,
        described: configDescribed,
        watch: [],
      })
      if (!configured.ok)
        return this.outcome(
          wizardId,
          { ok: false, error: { kind: 'config', message: configured.failure.message, loc: configured.failure.loc, frame: configured.failure.frame } },
          started,
        )
      const candidate = this.candidate(current, {
        serverVersion,
        config: configured.config,
        value: configured.value,
        configHash: configHashOf(config),
        instances: current.instances,
        closureHash: current.closureHash,
        previous: current.wizardClass,
      })
      return this.outcome(wizardId, await this.commit(candidate, current), started)
    })
  }

  remove(wizardId: string): Promise<WireOutcome> {
    return this.queue.run(wizardId, async () => {
      const started = performance.now()
      const current = this.current.get(wizardId)
      if (current) {
        this.current.delete(wizardId)
        this.kept.delete(wizardId)
        this.transactions.forgetWizard(wizardId)
        try {
          await this.o.unregister?.(wizardId)
        } catch (error) {
          this.o.warn(`${wizardId}: unregister threw ${describeThrown(error)}`)
        }
        await this.retire(current)
      }
      return { wizardId, ok: true, version: null, durationMs: round(performance.now() - started) }
    })
  }

  /** Registers again the version this backend had for the dev server's `serverVersion`. */
  rollback(wizardId: string, serverVersion: number): Promise<WireOutcome> {
    return this.queue.run(wizardId, async () => {
      const started = performance.now()
      const current = this.current.get(wizardId)
      const target = this.kept.get(wizardId)?.findLast((version) => version.serverVersion === serverVersion)
      if (!current || !target)
        return this.outcome(
          wizardId,
          {
            ok: false,
            error: { kind: 'register', message: `${wizardId} v${serverVersion} is not kept in this backend (it connected later, or its history is shorter)` },
          },
          started,
        )
      if (target === current) return this.outcome(wizardId, { ok: true, version: current }, started)
      // Patch mode: that version's members go back onto the live class.
      const step = patchStep({
        mode: instancesModeOf(target.members, this.o.options().instances ?? 'replace'),
        live: current.wizardClass,
        next: target.members,
        onlyItsCode: false,
      })
      const base = { ...target, wizardClass: step.kind === 'patch' ? current.wizardClass : target.members }
      const candidate = this.candidate(base, {
        serverVersion,
        config: target.config,
        value: target.context.config,
        configHash: target.configHash,
        instances: [],
        closureHash: target.closureHash,
        previous: current.wizardClass,
      })
      candidate.rolledBack = true
      return this.outcome(wizardId, await this.commit(candidate, current, step.kind === 'patch' ? step.apply : undefined), started)
    })
  }

  /** Disposes every registered version (signals aborted, dispose callbacks run); nothing is unregistered. */
  async close(): Promise<void> {
    this.closed = true
    await this.queue.idle()
    for (const version of this.current.values()) await this.retire(version)
    this.current.clear()
    this.kept.clear()
  }

  private async attempt(wizard: WireWizard): Promise<Attempt> {
    const { runner } = this.o
    const previous = this.current.get(wizard.wizardId)
    const before = this.instances.snapshot()
    // A pinned version comes as its kept source (`url`), not as the file on disk: what the dev server serves.
    const importing = runner.import(wizard.url ?? wizard.file) as Promise<Record<string, unknown>>
    const imported = await settleWithin(importing, this.loadTimeout())
    const { all, fresh } = this.instances.closure(wizard.file, before)
    const discard = async () => this.forget(await this.instances.discard(fresh))
    if (imported === TIMED_OUT) {
      await discard()
      // It may still finish: what it registers for disposal then runs at once.
      this.instances.disposeWhenSettled(importing, fresh, wizard.file)
      return {
        ok: false,
        error: {
          kind: 'timeout',
          message: `${wizard.file} did not finish loading within ${this.o.options().loadTimeout / 1000} s (loadTimeout) in this backend`,
        },
      }
    }
    if ('error' in imported) {
      await discard()
      formatStackWithSources(imported.error, runner)
      return { ok: false, error: thrownError('evaluate', imported.error) }
    }
    const isWizardClass = this.o.isWizardClass ?? defaultIsWizardClass
    const found = findWizardClass(imported.value, isWizardClass, safeImportedExports(runner, wizard.file))
    if (!found.ok) {
      await discard()
      return { ok: false, error: { kind: 'no-class', message: found.message } }
    }
    const configured = await interpretWizardConfig({
      wizardId: wizard.wizardId,
      wizardClass: found.wizardClass,
      root: this.o.options().root,
      timeoutMs: this.loadTimeout(),
      found: wizard.config ?? undefined,
      described: wizard.configDescribed,
      watch: [],
    })
    if (!configured.ok) {
      await discard()
      return { ok: false, error: { kind: 'config', message: configured.failure.message, loc: configured.failure.loc, frame: configured.failure.frame } }
    }
    // Patch mode, as in the dev server: the new members go onto the live class unless that would not be faithful.
    const step = patchStep({
      mode: instancesModeOf(found.wizardClass, this.o.options().instances ?? 'replace'),
      live: previous?.wizardClass,
      next: found.wizardClass,
      onlyItsCode: false,
    })
    const template = {
      wizardId: wizard.wizardId,
      file: wizard.file,
      wizardClass: step.kind === 'patch' ? previous!.wizardClass : found.wizardClass,
      members: found.wizardClass,
    }
    const candidate = this.candidate(template, {
      serverVersion: wizard.version,
      config: configured.config,
      value: configured.value,
      configHash: configHashOf(wizard.config),
      instances: all,
      closureHash: wizard.closureHash,
      previous: previous?.wizardClass,
    })
    const outcome = await this.commit(candidate, previous, step.kind === 'patch' ? step.apply : undefined)
    if (!outcome.ok) this.forget(await this.instances.discard(fresh))
    return outcome
  }

  private candidate(
    base: Pick<LocalVersion, 'wizardId' | 'file' | 'wizardClass' | 'members'>,
    parts: {
      serverVersion: number
      config: WizardConfig | undefined
      value: unknown
      configHash: string | null
      instances: ModuleInstance[]
      closureHash: string
      previous: WizardClass | undefined
    },
  ): LocalVersion {
    const { version, controller, context } = this.transactions.prepare(base.wizardId, { file: base.file, previous: parts.previous, config: parts.value })
    return {
      wizardId: base.wizardId,
      file: base.file,
      wizardClass: base.wizardClass,
      members: base.members,
      version,
      serverVersion: parts.serverVersion,
      context,
      controller,
      instances: parts.instances,
      config: parts.config,
      configHash: parts.configHash,
      closureHash: parts.closureHash,
      rolledBack: false,
    }
  }

  /** Registers `candidate` (the one version transaction): on success the previous version is disposed after, on failure nothing changes. */
  private async commit(candidate: LocalVersion, previous: LocalVersion | undefined, patch?: () => () => void): Promise<Attempt> {
    const committed = await this.transactions.commit(candidate, previous, patch)
    if (!committed.ok) {
      const { refusal } = committed
      if (!refusal) return { ok: false, error: { kind: 'register', message: 'the backend is closing' } }
      if (refusal.kind === 'timeout') return { ok: false, error: { kind: 'timeout', message: `${refusal.message}; kept the previous version.` } }
      return {
        ok: false,
        error: refusal.thrown === undefined ? { kind: 'register', message: refusal.message } : thrownError('register', refusal.thrown, refusal.message),
      }
    }
    this.current.set(candidate.wizardId, candidate)
    const kept = this.kept.get(candidate.wizardId) ?? []
    kept.push(candidate)
    while (kept.length > Math.max(1, this.o.options().history)) kept.shift()
    this.kept.set(candidate.wizardId, kept)
    return { ok: true, version: candidate }
  }

  /** A version stops being the registered one: its signal aborts, then what only it ran on is disposed. */
  private retire(version: LocalVersion): Promise<void> {
    return this.transactions.retire(version)
  }

  /** Disposed instances the runner still holds are evaluated afresh when next imported. */
  private forget(ids: string[]): void {
    const modules = this.o.runner.evaluatedModules
    for (const id of ids) {
      const node = modules.getModuleById(id)
      if (node) modules.invalidateModule(node)
    }
  }

  private outcome(wizardId: string, attempt: Attempt, started: number): WireOutcome {
    const durationMs = round(performance.now() - started)
    if (attempt.ok) return { wizardId, ok: true, version: attempt.version.version, durationMs }
    return { wizardId, ok: false, version: this.current.get(wizardId)?.version ?? null, durationMs, error: attempt.error }
  }

  private loadTimeout(): number | undefined {
    const ms = this.o.options().loadTimeout
    return ms > 0 ? ms : undefined
  }
}

function configHashOf(config: WireConfig | null): string | null {
  return config ? hashOf(config.text) : null
}

function safeImportedExports(runner: ModuleRunner, file: string): Record<string, unknown>[] {
  try {
    return importedExports(runner, file)
  } catch {
    return []
  }
}

/** What a load or register threw, as the dev server needs it to tell the user (it classifies and frames it). */
function thrownError(kind: RemoteError['kind'], error: unknown, message?: string): RemoteError {
  const isError = error instanceof Error
  const props = isError ? jsonFields(error, ['loc', 'frame', 'plugin', 'id', 'errors']) : {}
  const read = (key: string) => {
    try {
      const value = (error as Record<string, unknown>)[key]
      return typeof value === 'string' ? value : undefined
    } catch {
      return undefined
    }
  }
  return {
    kind,
    message: message ?? describeThrown(error),
    thrown: {
      isError,
      name: isError ? read('name') : undefined,
      message: isError ? (read('message') ?? '') : describeThrown(error),
      stack: isError ? read('stack') : undefined,
      code: isError ? read('code') : undefined,
      props,
    },
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
