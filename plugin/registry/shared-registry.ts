import { randomUUID } from 'node:crypto'
import type { RunnableDevEnvironment } from 'vite'
import type { ModuleRunner } from 'vite/module-runner'
import { isFile } from '../files/read-text.ts'
import { importerFiles, invalidateFile } from '../vite-internals/module-graph.ts'
import { importClosure, runnerNodesOf } from '../vite-internals/runner-graph.ts'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { TOKEN_FILE } from '../backend-link/protocol.ts'
import { DISCOVERY_FILE } from '../backend-link/server-discovery.ts'
import { locatePackageFile } from '../package-files.ts'
import { sameRealFile } from '../shared/real-path.ts'
import { offerRegistryAttach } from './bridge.ts'
import { registryModuleSuffix } from './registry-code.ts'
import { RegistryInstances, type Registration } from './registry-instances.ts'

/** How long a registry evaluated in another runtime may take to connect back before the terminal says so. */
const RUNTIME_CONNECT_WAIT_MS = 20_000

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
  /** Vite's cache folder: where a runtime elsewhere finds the dev server's address and token. */
  cacheDir: string
  /** Whether the backend endpoint is on (a runtime elsewhere connects back through it), and why not when it is not. */
  backendEndpoint: () => { on: true } | { on: false; why: string }
  /** True once a runtime of that name connected back. */
  runtimeConnected: (name: string) => boolean
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
  private readonly expectedRuntimes = new Set<string>()
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

  /**
   * The registry module as an environment should evaluate it: with the lines that attach each
   * instance (registry-code.ts). Undefined for any other module. An environment whose modules run
   * elsewhere (no runner in this process: a worker, another process) must connect back.
   */
  moduleCode(code: string, id: string, environment: { name: string }): { code: string; map: null } | undefined {
    const { file } = this.options
    if (!sameRealFile(id.split('?', 1)[0], file)) return undefined
    if (!('runner' in environment)) this.expectRuntime(environment.name)
    const backendEntry = locatePackageFile('dist/plugin/backend.js')
    const { cacheDir } = this.options
    const remote = backendEntry
      ? {
          backendEntry: pathToFileURL(backendEntry).href,
          discoveryFile: path.join(cacheDir, DISCOVERY_FILE),
          tokenFile: path.join(cacheDir, TOKEN_FILE),
          name: environment.name,
        }
      : {
          unreachable: `the "${environment.name}" environment evaluates ${this.options.relative(file)} outside the dev server's process, and this copy of the plugin has no built backend entry (dist/plugin/backend.js) to connect it with.`,
        }
    return { code: code + registryModuleSuffix(file, this.key, remote), map: null }
  }

  /**
   * The registry is evaluated in `name`, outside this process: its runtime connects back like a
   * backend. When it cannot (the backend endpoint is off, or nothing connects), say so — naming it and the fix.
   */
  private expectRuntime(name: string): void {
    if (this.expectedRuntimes.has(name) || this.disposed) return
    this.expectedRuntimes.add(name)
    const where = `the "${name}" environment evaluates ${this.options.relative(this.options.file)} outside the dev server's process`
    const endpoint = this.options.backendEndpoint()
    if (!endpoint.on) {
      this.options.failed(`${where}, but ${endpoint.why}, so that registry gets no wizards.`)
      return
    }
    setTimeout(() => {
      if (this.disposed || this.options.runtimeConnected(name)) return
      this.options.failed(
        `${where}, and nothing from it has connected back within ${RUNTIME_CONNECT_WAIT_MS / 1000} s, so that registry has no wizards. ` +
          `Its runtime needs Node's networking and module loading (its own terminal output says what failed); where it has none, register there by hand with connectWizardHotReload(…) from vite-plugin-wizard-hot-reload/backend.`,
      )
    }, RUNTIME_CONNECT_WAIT_MS).unref()
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
