import { createHash } from 'node:crypto'
import { walkGraph } from '../shared/walk-graph.ts'
import type { DevEnvironment, EnvironmentModuleNode, RunnableDevEnvironment, ViteDevServer } from 'vite'
import { pathAndRealPath } from '../shared/real-path.ts'
import { runnerNodesOf } from './runner-graph.ts'

/**
 * The module graph of the environment wizards load in. Documented API, except where noted:
 * `lastInvalidationTimestamp` (afterViteInvalidates) is an internal field, and the `watchChange`
 * forwarding stands in for the events of a watcher Vite does not run on the wizard folders.
 */

/**
 * The graph's modules of a file. Vite keys them by real path, while a watcher reports a symlinked
 * file under its link's path: look under both.
 */
export function modulesOf(environment: DevEnvironment, file: string): EnvironmentModuleNode[] {
  const graph = environment.moduleGraph
  return pathAndRealPath(file).flatMap((path) => [...(graph.getModulesByFile(path) ?? [])])
}

/**
 * Hard-invalidates every module of `file`; Vite propagates the invalidation to all importers,
 * so the next `runner.import` of any of them re-evaluates against the fresh module. The
 * environment's own runner forgets its evaluation of `file` too: the runner asks the graph with
 * `cached: true`, and another runner fetching the module meanwhile (a backend process) would have
 * made the graph answer "cached" — with the old evaluation.
 */
export function invalidateFile(environment: DevEnvironment, file: string): void {
  const seen = new Set<EnvironmentModuleNode>()
  for (const mod of modulesOf(environment, file)) environment.moduleGraph.invalidateModule(mod, seen)
  const runner = (environment as Partial<RunnableDevEnvironment>).runner
  if (runner) for (const node of runnerNodesOf(runner, file)) runner.evaluatedModules.invalidateModule(node)
}

/** The code the graph serves for `file` now, its inline source map left out; undefined when there is none. */
export function servedCode(environment: DevEnvironment, file: string): string | undefined {
  const code = modulesOf(environment, file).find((mod) => mod.transformResult)?.transformResult?.code
  return code?.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\s*$/, '')
}

/** A hash of the code the graph serves for `file` now (what a runner fetching it gets), or "-" when there is none. */
export function servedCodeHash(environment: DevEnvironment, file: string): string {
  const code = modulesOf(environment, file).find((mod) => mod.transformResult)?.transformResult?.code
  return code === undefined ? '-' : createHash('sha256').update(code).digest('hex').slice(0, 16)
}

/** Invalidates modules by id (instances the plugin disposed must be evaluated afresh when imported next). */
export function invalidateIds(environment: DevEnvironment, ids: Iterable<string>): void {
  const seen = new Set<EnvironmentModuleNode>()
  for (const id of ids) {
    const mod = environment.moduleGraph.getModuleById(id)
    if (mod) environment.moduleGraph.invalidateModule(mod, seen)
  }
}

/** Every file that imports `file`, directly or not (cycles are fine). */
export function importerFiles(environment: DevEnvironment, file: string): Set<string> {
  return reachableFiles(environment, file, (mod) => mod.importers)
}

/** Every file `file` imports, directly or not, in the environment's graph (what a module runner evaluates with it). */
export function importedFiles(environment: DevEnvironment, file: string): string[] {
  return [...reachableFiles(environment, file, (mod) => mod.importedModules)].sort()
}

/** The files of the modules reachable from `file`'s by `next`, `file` itself left out. */
function reachableFiles(environment: DevEnvironment, file: string, next: (mod: EnvironmentModuleNode) => Iterable<EnvironmentModuleNode>): Set<string> {
  const { seen } = walkGraph(modulesOf(environment, file), next)
  return new Set([...seen].flatMap((mod) => (mod.file && mod.file !== file ? [mod.file] : [])))
}

/** True when `mod`, or a module that imports it (directly or not), is one of `files`. */
export function isImportedBy(mod: EnvironmentModuleNode, isWanted: (file: string) => boolean): boolean {
  return (
    walkGraph(
      [mod],
      (current) => current.importers,
      (current) => Boolean(current.file && isWanted(current.file)),
    ).found !== undefined
  )
}

/**
 * Tells Vite about a change in a folder its own watcher ignores, the way its watcher would:
 * every environment's `watchChange` hooks (the resolver drops its cached "file not found" there)
 * and, for a deleted file, the module graphs. Another plugin's hook that throws is reported and
 * does not stop the reload.
 */
export async function forwardFileEventToVite(
  server: ViteDevServer,
  file: string,
  event: 'create' | 'update' | 'delete',
  onHookError: (error: unknown, environment: string) => void,
): Promise<void> {
  const environments = Object.values(server.environments)
  await Promise.all(
    environments.map(async (environment) => {
      try {
        await environment.pluginContainer.watchChange(file, { event })
      } catch (error) {
        onHookError(error, environment.name)
      }
    }),
  )
  if (event === 'delete') for (const environment of environments) environment.moduleGraph.onFileDelete(file)
}

/**
 * Vite's watcher listener invalidates a changed module only after awaiting plugin hooks. Called
 * synchronously from a later listener of the same event, this resolves once that invalidation
 * happened (or at once when the module holds nothing to invalidate), at most after `timeoutMs`.
 * Leans on the internal `lastInvalidationTimestamp` (see vite-internals.contract.test.ts).
 */
export function afterViteInvalidates(environment: DevEnvironment, file: string, timeoutMs = 2000): Promise<void> {
  const modules = modulesOf(environment, file).filter((mod) => mod.transformResult !== null)
  if (modules.length === 0) return Promise.resolve()
  const before = modules.map((mod) => mod.lastInvalidationTimestamp)
  const deadline = performance.now() + timeoutMs
  return new Promise((resolve) => {
    const check = () => {
      const invalidated = modules.every((mod, i) => mod.lastInvalidationTimestamp !== before[i])
      if (invalidated || performance.now() > deadline) resolve()
      else setTimeout(check, 1)
    }
    setImmediate(check)
  })
}

/**
 * The id Vite's `fetchModule` will load for `id` (no importer): the graph's module for that URL when
 * it has one (most of them, cached), else what the environment's plugin container resolves it to —
 * `pluginContainer.resolveId`, typed but meant for Vite's own use (see vite-internals.contract.test.ts).
 */
export async function resolveAsFetchModule(environment: DevEnvironment, id: string): Promise<string> {
  const known = await environment.moduleGraph.getModuleByUrl(id)
  return known?.id ?? (await environment.pluginContainer.resolveId(id, undefined))?.id ?? id
}
