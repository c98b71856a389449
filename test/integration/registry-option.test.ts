import type { RunnableDevEnvironment } from 'vite'
import { afterEach, expect, test } from 'vitest'
import { sessionOf, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

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
  // The two-runners check (every 500 ms) has looked at least once now: one runner, no warning.
  await sessionOf(p.api)!['followSsrLoadModuleRegistry']()
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

test('registry: an API loaded with ssrLoadModule holds a second instance: one warning naming the file and the fix, and the plugin registers into the instance the API uses', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': registrySource, 'server/backend.ts': backendSource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  const backend = () => p.server.ssrLoadModule(p.path('server/backend.ts')) as Promise<Backend>
  // Its own instance is empty at first; the plugin notices, warns, and registers every wizard into it.
  await backend()
  await expect.poll(async () => (await backend()).handle('debug').output).toBe('v1')
  const warnings = p.logs.filter((line) => line.includes('server/registry.ts is loaded by two module runners'))
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toContain('server.environments.ssr.runner.import(')
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => (await backend()).handle('debug').output).toBe('v2')
  expect(p.logs.filter((line) => line.includes('loaded by two module runners'))).toHaveLength(1)
})

test('registry: a module without registerWizard is named in a clear error', async () => {
  const p = (project = await startTempProject({
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: { 'server/registry.ts': 'export const nothing = 1\n', 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
  }))
  expect(p.logs.some((line) => line.includes('options.registry: "server/registry.ts" has no exported function "registerWizard" (exports: nothing)'))).toBe(true)
  expect(p.session.state.get('debug')?.wizardClass?.name).toBe('DebugWizard')
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
  await expect.poll(async () => {
    const now = (await backend()).handle('debug')
    return now.createdAt !== before.createdAt && now.output
  }).toBe('v1')
})
