import util from 'node:util'
import { walkGraph } from '../shared/walk-graph.ts'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import type { EvaluatedModuleNode, ModuleRunner } from 'vite/module-runner'
import { pathAndRealPath } from '../shared/real-path.ts'

/**
 * What the plugin leans on in a module runner — in the dev server and in backend processes alike
 * (so nothing here loads Vite itself, only its `vite/module-runner` types): its evaluated-module
 * graph (public API), its source maps, its evaluator (public `ModuleEvaluator` interface) and its
 * HMR client's dispose/data maps (`hmrClient.disposeMap` / `dataMap`: typed, but internal — see
 * vite-internals.contract.test.ts).
 */

/** The runner's nodes of a file (under its real path too, as Vite keys modules). */
export function runnerNodesOf(runner: ModuleRunner, file: string): EvaluatedModuleNode[] {
  return pathAndRealPath(file).flatMap((path) => [...(runner.evaluatedModules.getModulesByFile(path) ?? [])])
}

/** The export objects of the modules `file` imports (to tell a re-exported class from an own one). */
export function importedExports(runner: ModuleRunner, file: string): Record<string, unknown>[] {
  const exports: Record<string, unknown>[] = []
  for (const node of runnerNodesOf(runner, file)) {
    for (const id of node.imports) {
      const imported = runner.evaluatedModules.getModuleById(id)
      if (imported?.exports) exports.push(imported.exports as Record<string, unknown>)
    }
  }
  return exports
}

/** `file`'s nodes (or several files') and every node they import, directly or not: the module instances a wizard runs on. */
export function importClosure(
  runner: ModuleRunner,
  files: string | Iterable<string>,
  startsAt?: (node: EvaluatedModuleNode) => boolean,
): EvaluatedModuleNode[] {
  const start = (typeof files === 'string' ? [files] : [...files]).flatMap((file) => runnerNodesOf(runner, file)).filter((node) => !startsAt || startsAt(node))
  const imports = (node: EvaluatedModuleNode) => [...node.imports].flatMap((id) => runner.evaluatedModules.getModuleById(id) ?? [])
  return [...walkGraph(start, imports).seen]
}

/** True for a node of a module the runner evaluated itself (not Node's own: builtins, npm packages). */
export function isInlined(node: EvaluatedModuleNode): boolean {
  return node.meta !== undefined && !('externalize' in node.meta)
}

type Disposer = (data: unknown) => void | Promise<void>

interface HotClientInternals {
  disposeMap?: Map<string, Disposer>
  dataMap?: Map<string, unknown>
}

/**
 * Takes the callback a module registered with `import.meta.hot.dispose(cb)` out of the runner's
 * HMR client, so it runs when the plugin decides (after the next version is registered), never
 * when Vite would (before re-importing). Undefined when the module registered none, or the runner
 * has no HMR (then `import.meta.hot` is undefined in modules anyway).
 */
export function takeDisposer(runner: ModuleRunner, url: string): { dispose: Disposer; data: unknown } | undefined {
  const client = runner.hmrClient as HotClientInternals | undefined
  const dispose = client?.disposeMap?.get(url)
  if (!client || typeof dispose !== 'function') return undefined
  client.disposeMap!.delete(url)
  return { dispose, data: client.dataMap?.get(url) }
}

/**
 * Formats `error`'s stack with source positions, from the runner's own source maps. The runner
 * maps stacks through a global `Error.prepareStackTrace` of its own, which anything else in the
 * process (a test runner, source-map-support, the app) may have replaced since; so while the
 * plugin is the first to read the stack of what a load threw, it formats the stack itself. A stack
 * something already read stays as it was.
 */
export function formatStackWithSources(error: unknown, runner: ModuleRunner): void {
  if (!util.types.isNativeError(error)) return
  const previous = Error.prepareStackTrace
  Error.prepareStackTrace = (thrown, sites) => {
    const header = safeHeader(thrown)
    return [header, ...sites.map((site) => `    at ${mappedFrame(site, runner)}`)].join('\n')
  }
  try {
    void (error as Error).stack
  } catch {
    // a stack getter that throws is the classifier's problem (it reads fields defensively)
  } finally {
    Error.prepareStackTrace = previous
  }
}

function mappedFrame(site: NodeJS.CallSite, runner: ModuleRunner): string {
  // The runner evaluates code with a sourceURL of the module's id, so eval frames carry it there.
  const file = site.getFileName() ?? site.getScriptNameOrSourceURL()
  const line = site.getLineNumber()
  const column = site.getColumnNumber()
  const map = file && line !== null && column !== null ? runner.evaluatedModules.getModuleSourceMapById(file) : null
  if (!map || line === null || column === null) return site.toString()
  const original = originalPositionFor(new TraceMap(map.map as ConstructorParameters<typeof TraceMap>[0], map.url), { line, column: column - 1 })
  if (original.source === null || original.line === null || original.column === null) return site.toString()
  const name = site.getFunctionName() ?? site.getMethodName()
  const where = `${original.source}:${original.line}:${original.column + 1}`
  return name ? `${name} (${where})` : where
}

function safeHeader(thrown: unknown): string {
  try {
    return Error.prototype.toString.call(thrown)
  } catch {
    return 'Error'
  }
}

/** The order in which the runner began evaluating each exports object (one per evaluation). */
const evaluationOrder = new WeakMap<object, number>()
let evaluationCount = 0
const countedEvaluators = new WeakSet<object>()

/**
 * How many module evaluations the runner has begun, counted from the first call on (an O(1)
 * "snapshot" of what it holds). Wraps its evaluator's `runInlinedModule` once (the public
 * `ModuleEvaluator` interface; the runner sets `module.exports` to a fresh object before calling
 * it — see vite-internals.contract.test.ts).
 */
export function evaluationsSoFar(runner: ModuleRunner): number {
  const evaluator = runner.evaluator
  if (!countedEvaluators.has(evaluator)) {
    countedEvaluators.add(evaluator)
    const runInlinedModule = evaluator.runInlinedModule
    evaluator.runInlinedModule = function (this: unknown, context, code, module) {
      if (module.exports) evaluationOrder.set(module.exports as object, ++evaluationCount)
      return runInlinedModule.call(this, context, code, module)
    }
  }
  return evaluationCount
}

/** When an exports object's evaluation began (see `evaluationsSoFar`); 0 for one begun before counting did. */
export function evaluationNumberOf(exports: object): number {
  return evaluationOrder.get(exports) ?? 0
}

/**
 * Vite's server-side HMR, for a change no module accepts, runs a full reload of the runner: it
 * empties `evaluatedModules` (`clear()`) and imports the affected entry points again. That would
 * drop the wizards' module instances behind the plugin's back (no dispose, a fresh `registry`
 * holding nothing). This makes that `clear()` spare the import closures of `ownedFiles()`:
 * everything else is cleared and re-evaluated as Vite intends, and what it imports of ours stays
 * the same instance. `clearCache()` (public; also what `close()` calls) still clears everything.
 * One wrapper per runner, whatever the number of sessions. `evaluatedModules.clear` and its three
 * maps are the runner's own (public class, internal call path): see vite-internals.contract.test.ts.
 * Returns the undo.
 */
export function spareOnFullReload(runner: ModuleRunner, ownedFiles: () => Iterable<string>): () => void {
  let owners = sparing.get(runner)
  if (!owners) {
    owners = new Set()
    sparing.set(runner, owners)
    installSparing(runner, owners)
  }
  owners.add(ownedFiles)
  return () => void owners.delete(ownedFiles)
}

const sparing = new WeakMap<ModuleRunner, Set<() => Iterable<string>>>()

function installSparing(runner: ModuleRunner, owners: Set<() => Iterable<string>>): void {
  const modules = runner.evaluatedModules
  const clear = modules.clear.bind(modules)
  const clearCache = runner.clearCache.bind(runner)
  let clearingAll = false
  runner.clearCache = () => {
    clearingAll = true
    try {
      clearCache()
    } finally {
      clearingAll = false
    }
  }
  modules.clear = () => {
    if (clearingAll || owners.size === 0) return clear()
    // One walk over every owned closure (shared helpers are visited once).
    const kept = new Set(
      importClosure(
        runner,
        [...owners].flatMap((owned) => [...owned()]),
      ),
    )
    const urls = [...modules.urlToIdModuleMap].filter(([, node]) => kept.has(node))
    clear()
    for (const node of kept) {
      modules.idToModuleMap.set(node.id, node)
      const nodes = modules.fileToModulesMap.get(node.file) ?? new Set()
      nodes.add(node)
      modules.fileToModulesMap.set(node.file, nodes)
    }
    for (const [url, node] of urls) modules.urlToIdModuleMap.set(url, node)
  }
}
