import { describeThrown } from '../errors/thrown-value.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import type { RegisterContext, WizardClass } from '../types.ts'

/** One registration: what an instance was handed for a wizard id. */
export interface Registration {
  wizardClass: WizardClass
  context: RegisterContext
}

/** One evaluated instance of the registry module (its namespace), in some module runner of this process. */
export interface RegistryInstance {
  /** Weakly: a replaced instance the app no longer holds is collected, whatever we did with it. */
  readonly namespace: WeakRef<Record<string, unknown>>
  /** How messages name it: `the ssr runner's`, `another runner's (ssrLoadModule, a framework)`. */
  readonly label: string
  /** What this instance was handed, per wizard id (set before each call, so a catch-up never overrides a newer one). */
  readonly registered: Map<string, Registration>
  /** False once the instance is no longer evaluated where it was (replaced, its runner cleared or closed). */
  readonly isLive: (namespace: object) => boolean
}

export interface RegistryInstancesOptions {
  /** How long one register call of a catch-up may take. */
  registerTimeout: () => number
  warn: (message: string) => void
}

/**
 * Every live instance of the `registry` module, and the one way wizards reach them: a register,
 * rollback, config change or removal goes to each instance — as one step of the version transaction:
 * if one instance refuses, those that accepted get their previous registration back and the step
 * fails as a single registry would. An instance that appears later (another runner, a re-evaluation)
 * is caught up with what is registered now; that is not a reload.
 */
export class RegistryInstances {
  private readonly instances = new Set<RegistryInstance>()

  constructor(private readonly options: RegistryInstancesOptions) {}

  add(namespace: Record<string, unknown>, label: string, isLive: (namespace: object) => boolean): RegistryInstance {
    const instance: RegistryInstance = { namespace: new WeakRef(namespace), label, registered: new Map(), isLive }
    this.instances.add(instance)
    return instance
  }

  /** The instances still evaluated somewhere (the others are forgotten now). */
  live(): RegistryInstance[] {
    const live: RegistryInstance[] = []
    for (const instance of this.instances) {
      const namespace = instance.namespace.deref()
      if (namespace !== undefined && safeIsLive(instance, namespace)) live.push(instance)
      else this.instances.delete(instance)
    }
    return live
  }

  get size(): number {
    return this.live().length
  }

  clear(): void {
    this.instances.clear()
  }

  /**
   * The register step, in every live instance. True when all accepted; otherwise those that did get
   * their previous registration back, and the first refusal is what this returns (false) or throws.
   */
  readonly register = async (wizardId: string, wizardClass: WizardClass, context: RegisterContext): Promise<boolean> => {
    const targets = this.live()
    const previous = targets.map((instance) => instance.registered.get(wizardId))
    for (const instance of targets) instance.registered.set(wizardId, { wizardClass, context })
    const outcomes = await Promise.all(targets.map((instance) => settleWithin(call(instance, 'registerWizard', wizardId, wizardClass, context), undefined)))
    const refused = outcomes.findIndex((outcome) => outcome !== TIMED_OUT && ('error' in outcome || outcome.value === false))
    if (refused < 0) return true
    await Promise.all(
      targets.map(async (instance, i) => {
        const outcome = outcomes[i]
        const accepted = outcome !== TIMED_OUT && !('error' in outcome) && outcome.value !== false
        if (accepted) await this.restore(instance, wizardId, previous[i])
        else setOrDelete(instance.registered, wizardId, previous[i])
      }),
    )
    const refusal = outcomes[refused]
    if (refusal !== TIMED_OUT && 'error' in refusal) throw refusal.error
    return false
  }

  /** The removal, in every live instance; the first error (after all were called) is thrown. */
  readonly unregister = async (wizardId: string): Promise<void> => {
    const targets = this.live()
    const errors: unknown[] = []
    await Promise.all(
      targets.map(async (instance) => {
        instance.registered.delete(wizardId)
        const outcome = await settleWithin(call(instance, 'unregisterWizard', wizardId), this.options.registerTimeout())
        if (outcome !== TIMED_OUT && 'error' in outcome) errors.push(outcome.error)
      }),
    )
    if (errors.length > 0) throw errors[0]
  }

  /**
   * Hands a new instance every current version — not a reload: no event, no count, no history.
   * A refusal is a warning naming the wizard; the instance simply lacks that wizard.
   */
  async catchUp(instance: RegistryInstance, current: Iterable<{ wizardId: string } & Registration>): Promise<void> {
    await Promise.all([...current].map((version) => this.handOver(instance, version.wizardId, version)))
  }

  /**
   * After a version transaction committed `current` (or removed the wizard): instances that joined
   * while it ran, and so missed its register step, get it now.
   */
  async converge(wizardId: string, current: Registration | undefined): Promise<void> {
    await Promise.all(
      this.live().map(async (instance) => {
        const registered = instance.registered.get(wizardId)
        if (current && registered?.context !== current.context) await this.handOver(instance, wizardId, current, true)
        else if (!current && registered) {
          instance.registered.delete(wizardId)
          const outcome = await settleWithin(call(instance, 'unregisterWizard', wizardId), this.options.registerTimeout())
          if (outcome !== TIMED_OUT && 'error' in outcome)
            this.options.warn(`${wizardId}: unregister threw in ${instance.label} instance of the registry: ${describeThrown(outcome.error)}`)
        }
      }),
    )
  }

  private async handOver(instance: RegistryInstance, wizardId: string, registration: Registration, replace = false): Promise<void> {
    if (!replace && instance.registered.has(wizardId)) return
    const before = instance.registered.get(wizardId)
    instance.registered.set(wizardId, { wizardClass: registration.wizardClass, context: registration.context })
    const timeout = this.options.registerTimeout()
    const outcome = await settleWithin(call(instance, 'registerWizard', wizardId, registration.wizardClass, registration.context), timeout)
    const refusal =
      outcome === TIMED_OUT
        ? `did not finish within ${timeout} ms (registerTimeout)`
        : 'error' in outcome
          ? `threw ${describeThrown(outcome.error)}`
          : outcome.value === false
            ? 'returned false'
            : undefined
    if (refusal === undefined) return
    if (instance.registered.get(wizardId)?.context === registration.context) setOrDelete(instance.registered, wizardId, before)
    this.options.warn(
      `${wizardId}: register("${wizardId}") ${refusal} while the ${instance.label} instance of the registry was caught up; that instance has no v${registration.context.version} of it.`,
    )
  }

  private async restore(instance: RegistryInstance, wizardId: string, previous: Registration | undefined): Promise<void> {
    setOrDelete(instance.registered, wizardId, previous)
    const outcome = await settleWithin(
      previous ? call(instance, 'registerWizard', wizardId, previous.wizardClass, previous.context) : call(instance, 'unregisterWizard', wizardId),
      this.options.registerTimeout(),
    )
    if (outcome === TIMED_OUT || 'error' in outcome) {
      const why = outcome === TIMED_OUT ? 'timed out' : `threw ${describeThrown(outcome.error)}`
      this.options.warn(`${wizardId}: restoring the previous version in the ${instance.label} instance of the registry ${why}.`)
    }
  }
}

/** Calls an export of the instance (read at call time: the namespace's live binding). */
function call(instance: RegistryInstance, name: 'registerWizard' | 'unregisterWizard', ...args: unknown[]): Promise<unknown> {
  return Promise.resolve().then(() => {
    const namespace = instance.namespace.deref()
    const fn = namespace?.[name]
    if (typeof fn !== 'function') return name === 'unregisterWizard' ? undefined : true
    return (fn as (...args: unknown[]) => unknown)(...args)
  })
}

function safeIsLive(instance: RegistryInstance, namespace: object): boolean {
  try {
    return instance.isLive(namespace)
  } catch {
    return false
  }
}

function setOrDelete(map: Map<string, Registration>, key: string, value: Registration | undefined): void {
  if (value) map.set(key, value)
  else map.delete(key)
}
