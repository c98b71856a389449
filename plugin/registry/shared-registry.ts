import { randomUUID } from 'node:crypto'
import type { RunnableDevEnvironment } from 'vite'
import type { ModuleRunner } from 'vite/module-runner'
import { isFile } from '../files/read-text.ts'
import { importerFiles, invalidateFile } from '../vite-internals/module-graph.ts'
import { importClosure, runnerNodesOf } from '../vite-internals/runner-graph.ts'
import { offerRegistryAttach } from './bridge.ts'
import { RegistryInstances, type Registration } from './registry-instances.ts'

/** While the initial load runs, how often a registry instance waiting for it checks whether the loads left wait on it. */
const CYCLE_CHECK_MS = 5

export interface SharedRegistryOptions {
  /** Absolute path of the registry module. */
  file: string
  /** The `registry` option as written (for messages). */
  option: string
  /** The environment whose runner loads wizards (the plugin's own instance lives there). */
  environment: () => RunnableDevEnvironment
  registerTimeout: number
  /** Every version registered now: what a new instance is caught up with. */
  current: () => Iterable<{ wizardId: string } & Registration>
  /** The wizard files whose initial load is running now (empty once it is done). */
  loading: () => Iterable<string>
  /** Resolves when the initial load is over (at once when there is none). */
  initialLoadDone: () => Promise<void>
  relative: (file: string) => string
  warn: (message: string) => void
  /** A failure of the registry module itself (it did not load, or exports no `registerWizard`). */
  failed: (message: string) => void
}

/**
 * The `registry` module, complete wherever it is evaluated: every instance a module runner of this
 * process evaluates (the plugin's, `ssrLoadModule`'s, a framework's; again after an edit, a program
 * reload or a restart) attaches itself (the appended lines, registry-code.ts) and gets every current
 * wizard before its importers run; every later reload reaches every live instance (registry-instances.ts).
 */
export class SharedRegistry {
  /** What the appended lines look this session up by. */
  readonly key = randomUUID()
  readonly instances: RegistryInstances
  private readonly stopOffering: () => void
  private warnedNoRegister = false
  private disposed = false

  constructor(private readonly options: SharedRegistryOptions) {
    this.instances = new RegistryInstances({ registerTimeout: () => options.registerTimeout, warn: options.warn })
    this.stopOffering = offerRegistryAttach(this.key, (namespace) => this.attach(namespace))
  }

  get file(): string {
    return this.options.file
  }

  /**
   * At start: a registry file that does not exist is a failure said now — wizards would load and
   * register into nothing. (The plugin never evaluates the registry itself: in an app whose runner
   * is not the plugin's, a second evaluation would only be a stale copy — see README, Frameworks.)
   */
  check(): boolean {
    if (isFile(this.options.file)) return true
    this.options.failed(
      `options.registry: "${this.options.option}" (${this.options.relative(this.options.file)}) does not exist, so no registry will get the wizards. ` +
        `Give the path of the module that exports registerWizard, relative to the project root (with its extension).`,
    )
    return false
  }

  /** True for the registry module and every module it imports (directly or not). */
  isOwnModule(file: string): boolean {
    return file === this.options.file || importerFiles(this.options.environment(), file).has(this.options.file)
  }

  /**
   * The registry, or a module it imports, changed: both are evaluated afresh wherever they are
   * imported next (as Vite would), and that instance of the registry attaches itself.
   */
  changed(file: string): void {
    const environment = this.options.environment()
    invalidateFile(environment, file)
    if (file !== this.options.file) invalidateFile(environment, this.options.file)
  }

  /** One instance being evaluated: caught up now, and — during the initial load — once it is done. */
  private async attach(namespace: Record<string, unknown>): Promise<void> {
    if (this.disposed) return
    if (typeof namespace.registerWizard !== 'function') {
      if (!this.warnedNoRegister) {
        this.warnedNoRegister = true
        const exports = Object.keys(namespace).join(', ') || 'none'
        this.options.failed(`options.registry: "${this.options.option}" has no exported function "registerWizard" (exports: ${exports}).`)
      }
      return
    }
    const runner = this.options.environment().runner
    const inPluginRunner = runnerNodesOf(runner, this.options.file).some((node) => node.exports === namespace)
    const isLive = livenessCheck(inPluginRunner ? runner : undefined, this.options.file)
    const label = inPluginRunner ? `${this.options.environment().name} runner's` : "another module runner's (ssrLoadModule's, or a framework's)"
    const instance = this.instances.add(namespace, label, isLive)
    await this.instances.catchUp(instance, this.options.current())
    await this.initialLoadOrCycle(namespace, inPluginRunner)
  }

  /**
   * Waits for the initial load — except for what waits on this very instance: a wizard that imports
   * the registry cannot finish before it does. In the plugin's runner, once every load still running
   * imports it (directly or not), it goes on; those wizards register into it as they finish.
   */
  private initialLoadOrCycle(namespace: object, inPluginRunner: boolean): Promise<void> {
    const done = this.options.initialLoadDone()
    if (!inPluginRunner) return done
    const runner = this.options.environment().runner
    return new Promise<void>((resolve) => {
      let over = false
      void done.then(() => {
        over = true
        resolve()
      })
      const check = () => {
        if (over || this.disposed) return resolve()
        const loading = [...this.options.loading()]
        const waitingOnThis = loading.length > 0 && loading.every((file) => importClosure(runner, file).some((node) => node.exports === namespace))
        if (waitingOnThis) return resolve()
        setTimeout(check, CYCLE_CHECK_MS)
      }
      setTimeout(check, CYCLE_CHECK_MS)
    })
  }

  dispose(): void {
    this.disposed = true
    this.stopOffering()
    this.instances.clear()
  }
}

/**
 * Whether an instance is still evaluated: in the plugin's runner, while that runner holds it; in
 * another runner (which the plugin cannot see), until it is collected. Made out here so the
 * closure holds no instance (the registry keeps only weak references to them).
 */
function livenessCheck(runner: ModuleRunner | undefined, file: string): (namespace: object) => boolean {
  if (!runner) return () => true
  return (namespace) => runnerNodesOf(runner, file).some((node) => node.exports === namespace)
}
