import type { RunnableDevEnvironment } from 'vite'
import { afterEach, expect, test } from 'vitest'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const registrySource = `
const wizards = new Map<string, new () => { run(): string }>()
export const runs: string[] = []
export const createdAt = Math.random()
export function registerWizard(id: string, cls: new () => { run(): string }) { wizards.set(id, cls); return true }
export function unregisterWizard(id: string) { wizards.delete(id) }
export function runWizard(id: string) { const cls = wizards.get(id); const out = cls ? new cls().run() : 'missing'; runs.push(id + ':' + out); return out }
export function listWizards() { return [...wizards.keys()].sort() }
`
const backendSource = `
import { runWizard, listWizards, runs, createdAt } from './registry'
export function handle(id: string) { return { output: runWizard(id), wizards: listWizards(), runs: runs.length, createdAt } }
`

type Backend = { handle(id: string): { output: string; wizards: string[]; runs: number; createdAt: number } }

test('registry: an API loaded with server.environments.ssr.runner.import shares the very instance; its state survives reloads', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: {
      'server/registry.ts': registrySource,
      'server/backend.ts': backendSource,
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/review_wizard.ts': wizardSource('ReviewWizard', 'review'),
    },
  }))
  const backend = () => (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts')) as Promise<Backend>

  const first = (await backend()).handle('debug')
  expect(first).toMatchObject({ output: 'v1', wizards: ['debug', 'review'], runs: 1 })

  for (const version of ['v2', 'v3']) {
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', version))
    await expect.poll(async () => (await backend()).handle('debug').output).toBe(version)
  }
  const last = (await backend()).handle('review')
  expect(last.createdAt).toBe(first.createdAt)
  expect(last.runs).toBeGreaterThanOrEqual(4)
  expect(last.wizards).toEqual(['debug', 'review'])

  p.remove('wizards/review_wizard.ts')
  await expect.poll(async () => (await backend()).handle('debug').wizards).toEqual(['debug'])
  await p.api.idle()
  expect(p.logs.some((line) => line.includes('loaded by two module runners'))).toBe(false)
})

test("registry: an edit of the API module (no wizard imports it) re-runs the API, as Vite's server HMR does, but the registry and the wizards the plugin owns are spared", async () => {
  const p = (project = await startTempProject({
    listen: true,
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const runner = (p.server.environments.ssr as RunnableDevEnvironment).runner
  const backend = () => runner.import(p.path('server/backend.ts')) as Promise<Backend & { edition?: number }>
  const first = (await backend()).handle('debug')
  expect(first).toMatchObject({ output: 'v1', wizards: ['debug'] })
  // Vite's own SSR HMR: no accepting boundary, so a full reload of the runner (which re-imports server/backend.ts).
  p.write('server/backend.ts', `${backendSource}\nexport const edition = 2\n`)
  await expect.poll(async () => (await backend()).edition).toBe(2)
  const after = (await backend()).handle('debug')
  expect(after).toMatchObject({ output: 'v1', wizards: ['debug'], createdAt: first.createdAt })
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => (await backend()).handle('debug').output).toBe('v2')
  await p.api.idle()
})

test('registry: an API loaded with ssrLoadModule (a runner of its own) gets a complete registry on its first call, and every later reload — no warning', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const backend = () => p.server.ssrLoadModule(p.path('server/backend.ts')) as Promise<Backend>
  // The very first call: complete by construction (the registry attached itself while it was evaluated).
  expect((await backend()).handle('debug')).toMatchObject({ output: 'v1', wizards: ['debug'] })
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => (await backend()).handle('debug').output).toBe('v2')
  expect(p.logs.filter((line) => line.includes('two module runners') || (line.includes('[wizard-hot-reload]') && line.includes('warn')))).toEqual([])
  expect(p.api.getStatus()).toMatchObject({ last_error: null })
})

test('registry: evaluated by two runners at once, both instances are complete and one reload reaches both', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const viaRunner = () => (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts')) as Promise<Backend>
  const viaSsrLoadModule = () => p.server.ssrLoadModule(p.path('server/backend.ts')) as Promise<Backend>
  const [a, b] = await Promise.all([viaRunner(), viaSsrLoadModule()])
  expect(a.handle('debug').createdAt).not.toBe(b.handle('debug').createdAt)
  expect([a.handle('debug').output, b.handle('debug').output]).toEqual(['v1', 'v1'])
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => [a.handle('debug').output, b.handle('debug').output]).toEqual(['v2', 'v2'])
  expect(p.events.filter((event) => event.type === 'reloaded')).toHaveLength(1)
  expect(p.api.getStatus()).toMatchObject({ registry: { file: p.path('server/registry.ts'), instances: 2 } })
  p.remove('wizards/debug_wizard.ts')
  await expect.poll(() => [a.handle('debug').wizards, b.handle('debug').wizards]).toEqual([[], []])
})

test('registry: a catch-up is not a reload — no event, no count, no history entry', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  // Three instances, one after the other: each is caught up.
  expect(((await p.server.ssrLoadModule(p.path('server/backend.ts'))) as Backend).handle('debug').output).toBe('v1')
  expect(((await (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts'))) as Backend).handle('debug').output).toBe(
    'v1',
  )
  p.write('server/registry.ts', `${registrySource}\nexport const edited = true\n`)
  await expect
    .poll(
      async () => ((await (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/registry.ts'))) as { edited?: boolean }).edited,
    )
    .toBe(true)
  await p.api.idle()
  expect(p.events).toEqual([])
  expect(p.api.getStatus()).toMatchObject({ reload_count: 0, wizards: { debug: { reload_count: 0, version: 1 } } })
  expect(p.api.history('debug').map((entry) => entry.outcome)).toEqual(['loaded'])
})

test('registry: a wizard that imports the registry loads (no deadlock), and the registry it shares is complete', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: {
      'server/registry.ts': `${registrySource}\nexport const prefix = 'via registry: '\n`,
      'server/backend.ts': backendSource,
      'wizards/debug_wizard.ts': `import { prefix } from '../server/registry'\nexport class DebugWizard { run() { return prefix + 'v1' } }\n`,
      'wizards/plain_wizard.ts': wizardSource('PlainWizard', 'plain'),
      'wizards/deep_wizard.ts': `import { twice } from './shared/twice'\nexport class DeepWizard { run() { return twice('deep') } }\n`,
      'wizards/shared/twice.ts': `import { prefix } from '../../server/registry'\nexport const twice = (s: string) => prefix + s + s\n`,
    },
  }))
  expect(p.logs.some((line) => line.includes('loaded 3 wizards from wizards'))).toBe(true)
  const runner = (p.server.environments.ssr as RunnableDevEnvironment).runner
  const api = (await runner.import(p.path('server/backend.ts'))) as Backend
  expect(api.handle('debug')).toMatchObject({ output: 'via registry: v1', wizards: ['debug', 'deep', 'plain'] })
  expect(api.handle('deep').output).toBe('via registry: deepdeep')
  p.write('wizards/debug_wizard.ts', `import { prefix } from '../server/registry'\nexport class DebugWizard { run() { return prefix + 'v2' } }\n`)
  await expect.poll(() => api.handle('debug').output).toBe('via registry: v2')
  expect(p.logs.filter((line) => /warn|error|timed? ?out/i.test(line))).toEqual([])
})

test('registry: an instance whose runner is closed is dropped, and nothing keeps it alive', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const instances = () => (p.api.getStatus() as { registry?: { instances: number } }).registry?.instances
  const { createServerModuleRunner } = await import('vite')
  let runner: ReturnType<typeof createServerModuleRunner> | undefined = createServerModuleRunner(p.server.environments.ssr as RunnableDevEnvironment, {
    hmr: false,
  })
  let collected = false
  const finalization = new FinalizationRegistry<string>(() => (collected = true))
  await runner.import(p.path('server/registry.ts')).then((namespace) => finalization.register(namespace as object, 'registry'))
  await expect.poll(instances).toBe(1)
  await runner.close()
  runner = undefined
  const gc = (globalThis as { gc?: () => void }).gc!
  await expect
    .poll(
      async () => {
        gc()
        await new Promise((resolve) => setImmediate(resolve))
        return instances()
      },
      { timeout: 10_000 },
    )
    .toBe(0)
  await expect.poll(() => collected).toBe(true)
  // Reloads go on with no instance to reach.
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => (p.api.getStatus() as { wizards?: Record<string, { version: number | null }> }).wizards?.debug?.version).toBe(2)
})

test('registry: editing the registry module re-registers every wizard into the new instance', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const backend = () => (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts')) as Promise<Backend>
  const before = (await backend()).handle('debug')
  p.write('server/registry.ts', `${registrySource}\nexport const edited = true\n`)
  await expect
    .poll(async () => {
      const now = (await backend()).handle('debug')
      return now.createdAt !== before.createdAt && now.output
    })
    .toBe('v1')
})

test('registry: a tsconfig.json save (Vite re-evaluates the program) leaves every instance complete, and later reloads reach the new ones', async () => {
  const p = (project = await startTempProject({
    listen: true,
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: {
      'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
      'server/registry.ts': registrySource,
      'server/backend.ts': backendSource,
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
    },
  }))
  const viaRunner = () => (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts')) as Promise<Backend>
  const viaSsrLoadModule = () => p.server.ssrLoadModule(p.path('server/backend.ts')) as Promise<Backend>
  let instance = (await viaRunner()).handle('debug').createdAt
  expect([(await viaRunner()).handle('debug').output, (await viaSsrLoadModule()).handle('debug').output]).toEqual(['v1', 'v1'])
  const detected = () => p.logs.filter((line) => line.includes('changed tsconfig file detected')).length
  for (let save = 1; save <= 3; save++) {
    // (Vite's watcher drops a change that comes within 50 ms of the last one: save until Vite has seen it.)
    await expect.poll(() => (detected() < save && p.write('tsconfig.json', `{ "compilerOptions": { "strict": ${save % 2 === 0} } }\n`), detected())).toBe(save)
    // Vite re-evaluates the program: the next import gets a new registry instance — complete.
    await expect.poll(async () => (await viaRunner()).handle('debug').createdAt, { message: `save ${save}` }).not.toBe(instance)
    instance = (await viaRunner()).handle('debug').createdAt
    expect([(await viaRunner()).handle('debug').output, (await viaSsrLoadModule()).handle('debug').output]).toEqual(['v1', 'v1'])
  }
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => [(await viaRunner()).handle('debug').output, (await viaSsrLoadModule()).handle('debug').output]).toEqual(['v2', 'v2'])
})

test('registry: server.restart() — the restarted server’s registry is complete on its first import', async () => {
  const p = (project = await startTempProject({
    listen: true,
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const first = ((await p.server.ssrLoadModule(p.path('server/backend.ts'))) as Backend).handle('debug')
  await p.server.restart()
  // (server.restart() keeps the same ViteDevServer object, with new environments and a new session.)
  const again = ((await p.server.ssrLoadModule(p.path('server/backend.ts'))) as Backend).handle('debug')
  expect(again).toMatchObject({ output: 'v1', wizards: ['debug'] })
  expect(again.createdAt).not.toBe(first.createdAt)
  const viaRunner = ((await (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts'))) as Backend).handle('debug')
  expect(viaRunner).toMatchObject({ output: 'v1', wizards: ['debug'] })
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => ((await p.server.ssrLoadModule(p.path('server/backend.ts'))) as Backend).handle('debug').output).toBe('v2')
})

test('registry: an edit of a module the registry imports re-evaluates the registry where it is imported next — complete', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: {
      'server/label.ts': 'export const label = "one"\n',
      'server/registry.ts': `import { label } from './label'\nexport { label }\n${registrySource}`,
      'server/backend.ts': `${backendSource}\nexport { label } from './registry'\n`,
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
    },
  }))
  const viaRunner = () =>
    (p.server.environments.ssr as RunnableDevEnvironment).runner.import(p.path('server/backend.ts')) as Promise<Backend & { label: string }>
  const viaSsrLoadModule = () => p.server.ssrLoadModule(p.path('server/backend.ts')) as Promise<Backend & { label: string }>
  expect(((await viaSsrLoadModule()) as { label: string }).label).toBe('one')
  expect(((await viaRunner()) as { label: string }).label).toBe('one')
  p.write('server/label.ts', 'export const label = "two"\n')
  await expect.poll(async () => (await viaRunner()).label).toBe('two')
  expect((await viaRunner()).handle('debug')).toMatchObject({ output: 'v1', wizards: ['debug'] })
  expect((await viaSsrLoadModule()).handle('debug')).toMatchObject({ output: 'v1', wizards: ['debug'] })
})

test('registry: a path that names no file (a typo) is a failure said once — at start, in the status — and the start line does not claim the wizards went anywhere', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registy.ts' },
    files: {
      'server/registry.ts': registrySource,
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/plan_wizard.ts': wizardSource('PlanWizard', 'plan'),
    },
  }))
  const said = p.logs.filter((line) => line.includes('options.registry: "server/registy.ts" (server/registy.ts) does not exist'))
  expect(said).toHaveLength(1)
  expect(p.api.getStatus()).toMatchObject({ last_error: expect.stringContaining('server/registy.ts') })
  expect(p.logs.find((line) => line.includes('loaded 2 wizards'))).toContain('no registry gets them')
})
