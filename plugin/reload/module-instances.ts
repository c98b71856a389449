import type { ModuleRunner } from 'vite/module-runner'
import { describeThrown } from '../errors/thrown-value.ts'
import { evaluationNumberOf, evaluationsSoFar, importClosure, isInlined, takeDisposer } from '../vite-internals/runner-graph.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'

/**
 * One evaluation of one module, as the runner made it. It is disposed (its `import.meta.hot.dispose`
 * callback run) once no registered wizard version runs on it any more — which is the transactional
 * part: a version that was replaced is disposed after its successor is registered, a version whose
 * reload failed is never disposed, and the instances a failed reload evaluated are.
 */
export interface ModuleInstance {
  /** The module's id in the environment's graph (to evaluate it afresh after disposing it). */
  id: string
  /** This evaluation's exports object (weakly: identity only). */
  exports: WeakRef<object>
  url: string
  dispose: ((data: unknown) => void | Promise<void>) | undefined
  data: unknown
  /** Who runs on it: wizard versions (any object standing for one). */
  users: Set<object>
  disposed: boolean
}

export interface Snapshot {
  /** How many evaluations the runner had begun before an import (constant time, however many modules it holds). */
  evaluations: number
}

/** Tracks module instances per wizard version, keyed by the runner's export objects (one per evaluation). */
export class ModuleInstances {
  private readonly byExports = new WeakMap<object, ModuleInstance>()

  constructor(
    private readonly runner: () => ModuleRunner,
    /** How long an async dispose callback may take (read at each dispose: a backend learns it from the dev server). */
    private readonly disposeTimeout: () => number,
    private readonly warn: (message: string) => void,
    /** How a module's url reads in a message. */
    private readonly label: (url: string) => string = (url) => url,
  ) {}

  /** What the runner holds now, to tell afterwards which instances an import evaluated. */
  snapshot(): Snapshot {
    return { evaluations: evaluationsSoFar(this.runner()) }
  }

  /**
   * The instances `file` runs on now (itself and what it imports), and which of them the import
   * after `before` evaluated. Their dispose callbacks are taken out of the runner as they are seen.
   */
  closure(file: string, before: Snapshot, id?: string): { all: ModuleInstance[]; fresh: ModuleInstance[] } {
    const runner = this.runner()
    const all: ModuleInstance[] = []
    const fresh: ModuleInstance[] = []
    // (`id`: only the module of the file with that query — a kept version evaluated again — not the file's own.)
    for (const node of importClosure(runner, file, id === undefined ? undefined : (candidate) => candidate.id === id)) {
      if (!isInlined(node) || !node.exports) continue
      const exports = node.exports as object
      let instance = this.byExports.get(exports)
      if (!instance) {
        const disposer = takeDisposer(runner, node.url)
        instance = {
          id: node.id,
          exports: new WeakRef(exports),
          url: node.url,
          dispose: disposer?.dispose,
          data: disposer?.data,
          users: new Set(),
          disposed: false,
        }
        this.byExports.set(exports, instance)
        if (evaluationNumberOf(exports) > before.evaluations) fresh.push(instance)
      } else if (!instance.dispose) {
        // A disposer registered late (after a top-level await) or by an instance first seen without one.
        const disposer = takeDisposer(runner, node.url)
        if (disposer) Object.assign(instance, { dispose: disposer.dispose, data: disposer.data })
      }
      all.push(instance)
    }
    return { all, fresh }
  }

  acquire(user: object, instances: Iterable<ModuleInstance>): void {
    for (const instance of instances) instance.users.add(user)
  }

  /**
   * `user` no longer runs on these instances: those nobody runs on any more are disposed, importers
   * before what they import. Returns the ids of disposed instances the runner still holds (to be
   * evaluated afresh when imported next; one already replaced by a newer evaluation is left alone).
   */
  async release(user: object, instances: Iterable<ModuleInstance>): Promise<string[]> {
    const orphans: ModuleInstance[] = []
    for (const instance of instances) {
      instance.users.delete(user)
      if (instance.users.size === 0 && !instance.disposed) orphans.push(instance)
    }
    for (const instance of orphans) await this.disposeNow(instance)
    return this.stillHeld(orphans)
  }

  /** Disposes instances that nobody ever ran on (what a failed reload evaluated). */
  async discard(instances: Iterable<ModuleInstance>): Promise<string[]> {
    const disposed: ModuleInstance[] = []
    for (const instance of instances) {
      if (instance.users.size > 0 || instance.disposed) continue
      await this.disposeNow(instance)
      disposed.push(instance)
    }
    return this.stillHeld(disposed)
  }

  /**
   * Instances discarded while they were still evaluating (a load that timed out), once that
   * evaluation has settled: a dispose callback it registered meanwhile runs now — unless a newer
   * evaluation of the module has taken its place (then the callback is that one's).
   */
  disposeWhenSettled(evaluation: Promise<unknown>, instances: Iterable<ModuleInstance>, label: string): void {
    const late = () => this.disposeLate(instances)
    void evaluation.then(late, late).catch((error: unknown) => this.warn(`disposing a late load of ${label}: ${describeThrown(error)}`))
  }

  private async disposeLate(instances: Iterable<ModuleInstance>): Promise<void> {
    const runner = this.runner()
    for (const instance of instances) {
      const exports = instance.exports.deref()
      const now = runner.evaluatedModules.getModuleById(instance.id)?.exports
      if (!exports || (now !== undefined && now !== exports)) continue
      const disposer = takeDisposer(runner, instance.url)
      if (!disposer) continue
      await this.run(instance, disposer.dispose, disposer.data)
    }
  }

  private stillHeld(instances: ModuleInstance[]): string[] {
    const modules = this.runner().evaluatedModules
    return instances.filter((instance) => modules.getModuleById(instance.id)?.exports === instance.exports.deref()).map((instance) => instance.id)
  }

  private async disposeNow(instance: ModuleInstance): Promise<void> {
    instance.disposed = true
    const dispose = instance.dispose
    instance.dispose = undefined
    if (dispose) await this.run(instance, dispose, instance.data)
  }

  private async run(instance: ModuleInstance, dispose: (data: unknown) => void | Promise<void>, data: unknown): Promise<void> {
    const outcome = await settleWithin(
      Promise.resolve().then(() => dispose(data)),
      this.disposeTimeout(),
    )
    if (outcome === TIMED_OUT)
      this.warn(`the dispose callback of ${this.label(instance.url)} did not finish within ${this.disposeTimeout()} ms; going on without it.`)
    else if ('error' in outcome)
      this.warn(`the dispose callback of ${this.label(instance.url)} threw ${describeThrown(outcome.error)} (the reload itself is not affected).`)
  }
}
