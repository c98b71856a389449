import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import type { Plugin } from 'vite'
import { tempViteServers } from '../../test/temp-vite.ts'
import { afterViteInvalidates, forwardFileEventToVite, invalidateFile, resolveAsFetchModule } from './module-graph.ts'
import { runnableEnvironment, ssrLoadModuleExports } from './module-runner.ts'
import { evaluationNumberOf, evaluationsSoFar, importClosure, importedExports, spareOnFullReload, takeDisposer } from './runner-graph.ts'
import { firstParseProblem, lineColumnAt } from './parse-source.ts'
import { viteWatcherReady } from './vite-watcher.ts'
import { denyServing, isLoadingAllowed } from './fs-rules.ts'

/**
 * What the plugin relies on in Vite beyond its documented API, one test each: if an upgrade
 * changes any of it, this fails loudly instead of the plugin going quietly stale.
 */
const logs: string[] = []
const startVite = tempViteServers(logs)

async function start(files: Record<string, string>, hmr = false, plugins: Plugin[] = []) {
  const { server, root } = await startVite(files, { server: { middlewareMode: true, hmr, ws: false }, plugins })
  const environment = runnableEnvironment(server, 'ssr')
  return { server, environment, root, file: (relative: string) => path.join(root, relative) }
}

/** A project of two modules: `wizards/base.ts` (BaseWizard) and `wizards/a_wizard.ts` with this code. */
function startWithBase(aWizard: string) {
  return start({ 'wizards/base.ts': 'export class BaseWizard {}\n', 'wizards/a_wizard.ts': aWizard })
}

test("Vite's watcher stamps lastInvalidationTimestamp when it invalidates a changed module (afterViteInvalidates waits for it)", async () => {
  const { server, environment, file } = await start({ 'src/a.ts': 'export const a = 1\n' })
  await environment.runner.import(file('src/a.ts'))
  const [mod] = environment.moduleGraph.getModulesByFile(file('src/a.ts'))!
  const before = mod.lastInvalidationTimestamp
  const invalidated = new Promise<void>((resolve) =>
    server.watcher.once('change', () => void afterViteInvalidates(environment, file('src/a.ts')).then(resolve)),
  )
  fs.writeFileSync(file('src/a.ts'), 'export const a = 2\n')
  await invalidated
  expect(mod.lastInvalidationTimestamp).not.toBe(before)
  expect(mod.transformResult).toBeNull()
})

test("forwarding a create to every environment's watchChange drops the resolver's cached 'not found'", async () => {
  const { server, environment, file } = await start({ 'wizards/a_wizard.ts': "import { b } from './b.ts'\nexport const a = b\n" })
  await expect(environment.runner.import(file('wizards/a_wizard.ts'))).rejects.toThrow(/b\.ts/)
  fs.writeFileSync(file('wizards/b.ts'), 'export const b = 2\n')
  await forwardFileEventToVite(server, file('wizards/b.ts'), 'create', (error) => {
    throw error
  })
  invalidateFile(environment, file('wizards/a_wizard.ts'))
  expect(await environment.runner.import(file('wizards/a_wizard.ts'))).toMatchObject({ a: 2 })
})

test('after invalidating a file in the graph, runner.import evaluates it afresh (new exports object) and keeps what did not change', async () => {
  const { environment, file } = await startWithBase("export { BaseWizard } from './base.ts'\nexport class AWizard {}\n")
  const first = await environment.runner.import(file('wizards/a_wizard.ts'))
  const [baseBefore] = environment.runner.evaluatedModules.getModulesByFile(file('wizards/base.ts'))!
  const baseExports = baseBefore.exports
  invalidateFile(environment, file('wizards/a_wizard.ts'))
  const second = await environment.runner.import(file('wizards/a_wizard.ts'))
  expect(second).not.toBe(first)
  expect(second.AWizard).not.toBe(first.AWizard)
  expect(second.BaseWizard).toBe(first.BaseWizard)
  expect([...environment.runner.evaluatedModules.getModulesByFile(file('wizards/base.ts'))!][0].exports).toBe(baseExports)
  // The runner's graph says what a module imports: re-exports are told apart, closures walked.
  expect(importedExports(environment.runner, file('wizards/a_wizard.ts')).some((exports) => exports.BaseWizard === second.BaseWizard)).toBe(true)
  expect(
    importClosure(environment.runner, file('wizards/a_wizard.ts'))
      .map((node) => path.basename(node.file))
      .sort(),
  ).toEqual(['a_wizard.ts', 'base.ts'])
})

test("Vite's watcher (chokidar) says whether its first scan is done: _readyEmitted turns true with 'ready'", async () => {
  const { server } = await startVite({ 'src/a.ts': 'export const a = 1\n' }, { server: { middlewareMode: true, hmr: false, ws: false } })
  const watcher = server.watcher as unknown as { _readyEmitted?: boolean; once(event: string, listener: () => void): void }
  expect(typeof watcher._readyEmitted).toBe('boolean')
  await viteWatcherReady(server.watcher, 10_000)
  expect(watcher._readyEmitted).toBe(true)
})

test("the runner's evaluator gets each module's fresh exports object before evaluating it (evaluations are numbered, in O(1))", async () => {
  const { environment, file } = await startWithBase("import './base.ts'\nexport class AWizard {}\n")
  const before = evaluationsSoFar(environment.runner)
  const first = (await environment.runner.import(file('wizards/a_wizard.ts'))) as object
  const base = [...environment.runner.evaluatedModules.getModulesByFile(file('wizards/base.ts'))!][0].exports as object
  expect(evaluationNumberOf(first)).toBeGreaterThan(before)
  expect(evaluationNumberOf(base)).toBeGreaterThan(before)
  const middle = evaluationsSoFar(environment.runner)
  expect(middle - before).toBe(2)
  invalidateFile(environment, file('wizards/a_wizard.ts'))
  const second = (await environment.runner.import(file('wizards/a_wizard.ts'))) as object
  expect(evaluationNumberOf(second)).toBeGreaterThan(middle)
  expect(evaluationNumberOf(base)).toBeLessThanOrEqual(middle) // not evaluated again
  expect(evaluationsSoFar(environment.runner)).toBe(middle + 1)
})

test('import.meta.hot.dispose(cb) lands in the runner’s hmrClient.disposeMap (keyed by url), data in dataMap; taking it leaves Vite nothing to call', async () => {
  const { environment, file } = await start(
    {
      'wizards/a_wizard.ts':
        'import.meta.hot.data.count = (import.meta.hot.data.count ?? 0) + 1\nimport.meta.hot.dispose((data) => { data.disposed = true })\nexport class AWizard {}\n',
    },
    true,
  )
  await environment.runner.import(file('wizards/a_wizard.ts'))
  const [node] = environment.runner.evaluatedModules.getModulesByFile(file('wizards/a_wizard.ts'))!
  const taken = takeDisposer(environment.runner, node.url)
  expect(taken).toBeDefined()
  expect(takeDisposer(environment.runner, node.url)).toBeUndefined()
  await taken!.dispose(taken!.data)
  expect(taken!.data).toEqual({ count: 1, disposed: true })
  invalidateFile(environment, file('wizards/a_wizard.ts'))
  await environment.runner.import(file('wizards/a_wizard.ts'))
  expect(takeDisposer(environment.runner, node.url)?.data).toEqual({ count: 2, disposed: true })
})

test("ssrLoadModule's own runner marks the graph node's ssrModule; the environment's runner does not (two instances)", async () => {
  const { server, environment, file } = await start({ 'server/registry.ts': 'export const instance = Math.random()\n' })
  const viaRunner = await environment.runner.import(file('server/registry.ts'))
  expect(ssrLoadModuleExports(environment, file('server/registry.ts'))).toBeUndefined()
  const viaSsrLoadModule = await server.ssrLoadModule(file('server/registry.ts'))
  expect(viaSsrLoadModule.instance).not.toBe(viaRunner.instance)
  expect(ssrLoadModuleExports(environment, file('server/registry.ts'))?.instance).toBe(viaSsrLoadModule.instance)
})

test('a custom environment is runnable by default; a missing one is an error naming it', async () => {
  const { server } = await startVite({}, { environments: { server: {} }, server: { middlewareMode: true, hmr: false, ws: false } })
  expect(runnableEnvironment(server, 'server').runner).toBeDefined()
  expect(() => runnableEnvironment(server, 'edge')).toThrow('options.environment: this dev server has no environment "edge"')
})

test('Vite ships a parser that names the problem and its offset (parseSync in Vite 8, parseAst in Vite 7)', () => {
  const source = 'export const a = 1\nconst s = "abc\n'
  const problem = firstParseProblem('x.js', source)
  expect(problem?.message).toMatch(/Unterminated string/)
  expect(lineColumnAt(source, problem!.offset)).toEqual({ line: 2, column: 11 })
  expect(firstParseProblem('x.js', 'export const a = 1\n')).toBeUndefined()
})

test("denyServing adds a folder to Vite's compiled server.fs.deny (fsDenyGlob), keeping Vite's own list: loading and serving are refused", async () => {
  let folder = ''
  const deny: Plugin = {
    name: 'deny-test',
    configResolved: (config) => {
      folder = path.join(config.root, 'cache/secret')
      expect(denyServing(config, folder)).toBe(true)
    },
  }
  const { server, file } = await start({ 'cache/secret/token': 'TOKEN\n', '.env': 'A=1\n', 'src/a.ts': 'export const a = 1\n' }, false, [deny])
  expect(isLoadingAllowed(server.config, path.join(folder, 'token'))).toBe(false)
  expect(isLoadingAllowed(server.config, file('.env'))).toBe(false)
  expect(isLoadingAllowed(server.config, file('src/a.ts'))).toBe(true)
  // What a request goes through: the transform pipeline refuses it (?raw, ?import), as it does a .env.
  await expect(server.transformRequest('/cache/secret/token?raw')).rejects.toThrow(/denied|deny|outside|not allowed|403/i)
  await expect(server.transformRequest('/src/a.ts')).resolves.toBeTruthy()
})

test("a full reload of the runner (Vite's server HMR with no accepting module) empties evaluatedModules with clear(); spareOnFullReload keeps an owned closure", async () => {
  const { environment, file } = await start(
    {
      'src/shared.ts': 'export const created = Math.random()\n',
      'src/entry.ts':
        "import { created } from './shared.ts'\nglobalThis.__entryRuns = ((globalThis as any).__entryRuns ?? 0) + 1\nexport const shared = created\n",
      'src/owned.ts': "import { created } from './shared.ts'\nexport const owned = { created }\n",
    },
    true,
  )
  const runner = environment.runner
  const entry = (await runner.import(file('src/entry.ts'))) as { shared: number }
  const owned = (await runner.import(file('src/owned.ts'))) as { owned: object }
  const runs = () => (globalThis as { __entryRuns?: number }).__entryRuns ?? 0
  const before = runs()
  const undo = spareOnFullReload(runner, () => [file('src/owned.ts')])
  try {
    environment.hot.send({ type: 'full-reload', triggeredBy: file('src/entry.ts'), path: '*' })
    await expect.poll(runs).toBe(before + 1)
    // The entry ran again; what the owned module imports is the same instance, and the owned module itself was not re-evaluated.
    const again = (await runner.import(file('src/entry.ts'))) as { shared: number }
    expect(again.shared).toBe(entry.shared)
    expect(((await runner.import(file('src/owned.ts'))) as { owned: object }).owned).toBe(owned.owned)
    // An explicit clearCache() (and close(), which calls it) still clears everything.
    runner.clearCache()
    expect(((await runner.import(file('src/owned.ts'))) as { owned: object }).owned).not.toBe(owned.owned)
  } finally {
    undo()
  }
  // Without it, Vite's clear() drops everything: a fresh shared module.
  const shared = ((await runner.import(file('src/entry.ts'))) as { shared: number }).shared
  const runsNow = runs()
  environment.hot.send({ type: 'full-reload', triggeredBy: file('src/entry.ts'), path: '*' })
  await expect.poll(runs).toBe(runsNow + 1)
  expect(((await runner.import(file('src/entry.ts'))) as { shared: number }).shared).not.toBe(shared)
})

test("resolveAsFetchModule resolves an id as Vite's fetchModule will: through the graph, else the plugin container (aliases, bare ids)", async () => {
  const aliasing: Plugin = { name: 'alias', config: (config) => ({ resolve: { alias: { '~': path.join(config.root!, 'src') } } }) }
  const p = await start({ 'src/lib/tag.ts': 'export const tag = 1\n', 'src/main.ts': "import { tag } from '~/lib/tag'\nexport { tag }\n" }, false, [aliasing])
  expect(await resolveAsFetchModule(p.environment, '~/lib/tag')).toBe(p.file('src/lib/tag.ts'))
  await p.environment.runner.import(p.file('src/main.ts'))
  expect(await resolveAsFetchModule(p.environment, '/src/lib/tag.ts')).toBe(p.file('src/lib/tag.ts'))
})
