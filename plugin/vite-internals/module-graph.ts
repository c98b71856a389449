import type { EnvironmentModuleNode, ViteDevServer } from 'vite'

import fs from 'node:fs'

/** The module graph `server.ssrLoadModule` evaluates from. */
function ssrGraph(server: ViteDevServer) {
  return server.environments.ssr.moduleGraph
}

/**
 * The graph's modules of a file. Vite keys them by real path, while a watcher reports a symlinked
 * file under its link's path: look under both.
 */
function modulesOf(server: ViteDevServer, file: string): EnvironmentModuleNode[] {
  const graph = ssrGraph(server)
  const modules = [...(graph.getModulesByFile(file) ?? [])]
  let real: string | undefined
  try {
    real = fs.realpathSync(file)
  } catch {
    real = undefined
  }
  if (real && real !== file) modules.push(...(graph.getModulesByFile(real) ?? []))
  return modules
}

/**
 * Hard-invalidates every module of `file`; Vite propagates the invalidation to all importers,
 * so the next `ssrLoadModule` of any of them re-evaluates against the fresh module.
 */
export function invalidateFile(server: ViteDevServer, file: string): void {
  const graph = ssrGraph(server)
  const seen = new Set<EnvironmentModuleNode>()
  for (const mod of modulesOf(server, file)) graph.invalidateModule(mod, seen)
}

/** The export objects of the modules `file` imports (to tell a re-exported class from an own one). */
export function importedExports(server: ViteDevServer, file: string): Record<string, unknown>[] {
  const exports: Record<string, unknown>[] = []
  for (const mod of modulesOf(server, file)) {
    for (const imported of mod.importedModules) {
      if (imported.ssrModule) exports.push(imported.ssrModule)
    }
  }
  return exports
}

/** Every file that imports `file`, directly or not (cycles are fine). */
export function importerFiles(server: ViteDevServer, file: string): Set<string> {
  const found = new Set<string>()
  const seen = new Set<EnvironmentModuleNode>()
  const queue = modulesOf(server, file)
  while (queue.length > 0) {
    const mod = queue.pop()!
    if (seen.has(mod)) continue
    seen.add(mod)
    for (const importer of mod.importers) {
      if (importer.file && importer.file !== file) found.add(importer.file)
      queue.push(importer)
    }
  }
  return found
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
 */
export function afterViteInvalidates(server: ViteDevServer, file: string, timeoutMs = 2000): Promise<void> {
  const modules = modulesOf(server, file).filter((mod) => mod.transformResult !== null)
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
