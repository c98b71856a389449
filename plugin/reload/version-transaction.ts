import type { WizardPatchSummary } from '../../client/protocol.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import type { RegisterContext, RegisterWizard, UnregisterWizard, WizardClass } from '../types.ts'
import type { ModuleInstances } from './module-instances.ts'
import { registerContext } from './register-context.ts'
import { guardedAbortController } from './version-signal.ts'
import type { TransactionVersion, VersionCounters } from './wizard-version.ts'

export type { TransactionVersion } from './wizard-version.ts'

/** Why a register step failed, before the caller words it its way (a failure event, a backend's outcome). */
export type RegisterRefusal = { kind: 'timeout'; message: string } | { kind: 'register'; message: string; thrown?: unknown }

export interface TransactionOptions<V extends TransactionVersion> {
  register: () => RegisterWizard | undefined
  unregister: () => UnregisterWizard | undefined
  registerTimeout: () => number
  instances: ModuleInstances
  counters: VersionCounters
  warn: (message: string) => void
  /** Module instances it disposed that the runner still holds: to be evaluated afresh when imported next. */
  forget: (ids: string[]) => void
  /** A version was left for another class (the leak watch tracks it). */
  replaced?: (version: V) => void
  closed: () => boolean
}

/**
 * The one version transaction, for every way a wizard gets a new registered version — a code
 * reload, a config reload, a rollback, an undo, a retry, in the dev server or in a backend: build
 * the version's context, register it (guarded and timed: `false`, a throw or a timeout refuses),
 * and only then commit — the previous version retired (its signal aborted, what only it ran on
 * disposed). On a refusal nothing changes: the candidate's own instances are released instead.
 * A register that answers after its timeout restores the previous version.
 */
export class VersionTransactions<V extends TransactionVersion> {
  /** Bumped on every register call per wizard: a late answer can tell whether it is stale. */
  private readonly generations = new Map<string, number>()

  constructor(private readonly options: TransactionOptions<V>) {}

  /**
   * The context and the signal's controller for `wizardId`'s next version — or for `number` when
   * an earlier version comes back (a rollback keeps its number).
   */
  prepare(
    wizardId: string,
    fields: { file: string; previous: WizardClass | undefined; config: unknown; number?: number; patch?: WizardPatchSummary },
  ): { version: number; controller: AbortController; context: RegisterContext } {
    const version = fields.number ?? this.options.counters.next(wizardId)
    const controller = guardedAbortController((error) =>
      this.options.warn(`${wizardId} v${version}: a listener on context.signal threw ${describeThrown(error)} when the version was left (ignored)`),
    )
    const context = registerContext({
      version,
      file: fields.file,
      previous: fields.previous,
      signal: controller.signal,
      data: this.options.counters.dataOf(wizardId),
      config: fields.config,
      ...(fields.patch ? { patch: fields.patch } : {}),
    })
    return { version, controller, context }
  }

  /**
   * Registers `candidate`; when that succeeds, `previous` is retired. Resolves with how long each
   * step took, or why the register step refused (then nothing changed). `patch` (a selective reload)
   * defines the new members onto the live class just before `register`, and is undone if it refuses.
   */
  async commit(
    candidate: V,
    previous: V | undefined,
    patch?: () => () => void,
  ): Promise<{ ok: true; registerMs: number; disposeMs: number } | { ok: false; refusal: RegisterRefusal | undefined; registerMs: number }> {
    this.options.instances.acquire(candidate, candidate.instances)
    const started = performance.now()
    let undoPatch: (() => void) | undefined
    let refusal: RegisterRefusal | undefined
    try {
      undoPatch = patch?.()
    } catch (error) {
      refusal = { kind: 'register', message: `patching the live class failed: ${describeThrown(error)}`, thrown: error }
    }
    refusal ??= await this.register(candidate, previous)
    const registerMs = performance.now() - started
    if (refusal || this.options.closed()) {
      this.undo(candidate.wizardId, undoPatch)
      candidate.controller.abort()
      this.options.forget(await this.options.instances.release(candidate, candidate.instances))
      return { ok: false, refusal, registerMs }
    }
    this.options.counters.commit(candidate.wizardId, candidate.version)
    const disposeStarted = performance.now()
    if (previous && previous !== candidate) await this.retire(previous, candidate)
    return { ok: true, registerMs, disposeMs: performance.now() - disposeStarted }
  }

  private undo(wizardId: string, undoPatch: (() => void) | undefined): void {
    try {
      undoPatch?.()
    } catch (error) {
      this.options.warn(`${wizardId}: putting the live class back after a refused patch failed: ${describeThrown(error)}`)
    }
  }

  /** A version stops being the registered one: its signal aborts, then what only it ran on is disposed. */
  async retire(version: V, successor?: V): Promise<void> {
    version.controller.abort()
    if (successor?.wizardClass !== version.wizardClass) this.options.replaced?.(version)
    this.options.forget(await this.options.instances.release(version, version.instances))
  }

  /** The wizard is going (its file was deleted): later answers of earlier register calls are stale. */
  forgetWizard(wizardId: string): void {
    this.bump(wizardId)
  }

  private async register(candidate: V, previous: V | undefined): Promise<RegisterRefusal | undefined> {
    const register = this.options.register()
    if (!register) return undefined
    const { wizardId } = candidate
    const generation = this.bump(wizardId)
    const timeout = this.options.registerTimeout()
    const call = Promise.resolve().then(() => register(wizardId, candidate.wizardClass, candidate.context))
    const outcome = await settleWithin(call, timeout)
    if (outcome === TIMED_OUT) {
      void call.then(
        (value) => {
          if (value === false || this.options.closed() || this.generations.get(wizardId) !== generation) return
          this.options.warn(`${wizardId}: register finished after the ${timeout} ms timeout; restoring the previous version.`)
          void this.restore(wizardId, previous)
        },
        () => {},
      )
      return { kind: 'timeout', message: `register("${wizardId}") did not finish within ${timeout} ms (registerTimeout)` }
    }
    if ('error' in outcome) return { kind: 'register', message: `register("${wizardId}") threw ${describeThrown(outcome.error)}`, thrown: outcome.error }
    if (outcome.value === false) return { kind: 'register', message: `register("${wizardId}") returned false` }
    return undefined
  }

  private async restore(wizardId: string, previous: V | undefined): Promise<void> {
    try {
      if (previous) await this.options.register()?.(wizardId, previous.wizardClass, previous.context)
      else await this.options.unregister()?.(wizardId)
    } catch (error) {
      this.options.warn(`${wizardId}: restoring the previous version failed: ${describeThrown(error)}`)
    }
  }

  private bump(wizardId: string): number {
    const next = (this.generations.get(wizardId) ?? 0) + 1
    this.generations.set(wizardId, next)
    return next
  }
}
