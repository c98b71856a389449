import { afterEach, expect, test } from 'vitest'
import fs from 'node:fs'
import { DevEnvironment, type RunnableDevEnvironment } from 'vite'
import { lastEvent, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { shell } from '../shell.ts'

/** Wizards load through an environment's module runner (the Environment API), not ssrLoadModule. */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
  delete (globalThis as { __evaluations?: number }).__evaluations
})

test('the default environment is ssr: wizards are that runner’s modules, invalidated in its graph', async () => {
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  const ssr = p.server.environments.ssr as RunnableDevEnvironment
  const exports = (await ssr.runner.import(p.path('wizards/debug_wizard.ts'))) as { DebugWizard: unknown }
  expect(p.registry.classes.get('debug')).toBe(exports.DebugWizard)
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  expect(p.registry.classes.get('debug')).toBe(((await ssr.runner.import(p.path('wizards/debug_wizard.ts'))) as { DebugWizard: unknown }).DebugWizard)
})

test('a user-defined runnable environment works the same', async () => {
  const p = (project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    plugin: { environment: 'server' },
    vite: { environments: { server: {} } },
  }))
  const server = p.server.environments.server as RunnableDevEnvironment
  expect(p.registry.classes.get('debug')).toBe(((await server.runner.import(p.path('wizards/debug_wizard.ts'))) as { DebugWizard: unknown }).DebugWizard)
  expect(p.server.environments.ssr.moduleGraph.getModulesByFile(p.path('wizards/debug_wizard.ts'))).toBeUndefined()
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
})

test('an environment that cannot run modules in this process is a clear error at start, naming it; the server keeps running', async () => {
  const p = (project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    plugin: { environment: 'edge' },
    vite: { environments: { edge: { dev: { createEnvironment: (name, config) => new DevEnvironment(name, config, { hot: false }) } } } },
  }))
  expect(
    p.logs.some((line) => line.includes('could not start: options.environment: the "edge" environment cannot run modules in the dev server\'s process')),
  ).toBe(true)
  expect(p.registry.calls).toEqual([])
  expect(p.api.getStatus()).toMatchObject({ last_error: expect.stringContaining('"edge"') })
})

test("with future: 'warn', the plugin causes no deprecation warning", async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: {
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'src/lib/format.ts': 'export const f = 1\n',
      'wizards/uses_wizard.ts': `import { f } from '../src/lib/format.ts'\nexport class UsesWizard { run() { return f } }\n`,
      'index.html': '<!doctype html><html><head></head><body></body></html>',
    },
    vite: { future: 'warn' },
  }))
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  p.write('src/lib/format.ts', 'export const f = 2\n')
  await expect.poll(() => [p.registry.run('debug'), p.registry.run('uses')]).toEqual(['v2', 2])
  p.write('wizards/debug_wizard.ts', 'export class DebugWizard { run() { throw new Error("x") } }\nthrow new Error("top")\n')
  await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('evaluate')
  await fetch(`http://127.0.0.1:${(p.server.httpServer!.address() as { port: number }).port}/`)
  await p.api.idle()
  // Vite words them "[vite future] The `server.ssrLoadModule` is replaced with Environment Runner." (and the like).
  const futureWarnings = () => p.logs.filter((line) => /\[vite future\]|deprecat/i.test(line))
  expect(futureWarnings()).toEqual([])
  // The check can fail: a call the plugin never makes is reported at once.
  await p.server.ssrLoadModule(p.path('src/lib/format.ts'))
  expect(futureWarnings()).toEqual([expect.stringContaining('ssrLoadModule')])
})

test("Vite's own server-side HMR does not act on wizard modules: a helper outside dirs changes, each wizard is evaluated and registered once per save", async () => {
  const counting = (name: string) =>
    `globalThis.__evaluations = (globalThis.__evaluations ?? 0) + 1\nimport { money } from '../src/lib/format.ts'\nexport class ${name}Wizard { run() { return money(3) } }\n`
  const p = (project = await startTempProject({
    listen: true,
    files: {
      'src/lib/format.ts': "export const money = (n: number) => '$' + n.toFixed(2)\n",
      'wizards/price_wizard.ts': counting('Price'),
      'wizards/total_wizard.ts': counting('Total'),
    },
  }))
  const evaluations = () => (globalThis as { __evaluations?: number }).__evaluations ?? 0
  expect(evaluations()).toBe(2)
  for (let i = 1; i <= 3; i++) {
    p.write('src/lib/format.ts', `export const money = (n: number) => n.toFixed(2) + ' EUR${i}'\n`)
    await expect.poll(() => [p.registry.run('price'), p.registry.run('total')]).toEqual([`3.00 EUR${i}`, `3.00 EUR${i}`])
    await p.api.idle()
    expect(evaluations()).toBe(2 + 2 * i)
    expect([p.registry.registerCount('price'), p.registry.registerCount('total')]).toEqual([1 + i, 1 + i])
  }
})

test("a module outside dirs is watched by the plugin too: its edits reach the wizards even with Vite's watcher off", async () => {
  const p = (project = await startTempProject({
    hmr: true,
    files: {
      'src/lib/format.ts': 'export const f = 1\n',
      'wizards/uses_wizard.ts': `import { f } from '../src/lib/format.ts'\nexport class UsesWizard { run() { return f } }\n`,
    },
    vite: { server: { middlewareMode: true, ws: false, watch: null } },
  }))
  expect(p.registry.run('uses')).toBe(1)
  p.write('src/lib/format.ts', 'export const f = 2\n')
  await expect.poll(() => p.registry.run('uses')).toBe(2)
  p.write('src/lib/format.ts', 'export const f = 3\n')
  await expect.poll(() => p.registry.run('uses')).toBe(3)
  await p.api.idle()
  expect(p.registry.registerCount('uses')).toBe(3)
})

test("a wizard file that is a symlink to a module outside dirs is the plugin's alone: Vite's server HMR neither re-runs it nor reloads the program", async () => {
  const counting = (tag: string) =>
    `globalThis.__linkEvaluations = (globalThis.__linkEvaluations ?? 0) + 1\nexport class LinkWizard { run() { return '${tag}' } }\n`
  const p = (project = await startTempProject({ listen: true, files: { 'lib/real_wizard.ts': counting('v1'), 'wizards/.keep': '' } }))
  fs.symlinkSync(p.path('lib/real_wizard.ts'), p.path('wizards/link_wizard.ts'))
  await expect.poll(() => p.registry.run('link')).toBe('v1')
  const evaluations = () => (globalThis as { __linkEvaluations?: number }).__linkEvaluations ?? 0
  for (let i = 2; i <= 4; i++) {
    const before = evaluations()
    p.write('lib/real_wizard.ts', counting(`v${i}`))
    await expect.poll(() => p.registry.run('link')).toBe(`v${i}`)
    await p.api.idle()
    expect(evaluations()).toBe(before + 1)
  }
  expect(p.logs.filter((line) => /program reload|page reload/.test(line))).toEqual([])
})

test('a helper outside dirs saved by truncate-then-write (as `>` does) is one reload per save, whoever sees which event', async () => {
  const p = (project = await startTempProject({
    listen: true,
    plugin: { delay: 80 },
    files: {
      'src/lib/tag.ts': "export const tag = 't0'\n",
      'wizards/uses_wizard.ts': `import { tag } from '../src/lib/tag.ts'\nexport class UsesWizard { run() { return tag } }\n`,
    },
  }))
  const registers = p.registry.registerCount('uses')
  for (let i = 1; i <= 4; i++) {
    // The truncate lands first, the text 20 ms later: both within one debounce.
    await shell(p.root, `: > src/lib/tag.ts; sleep 0.02; printf '%s\\n' "export const tag = 't${i}'" > src/lib/tag.ts`)
    await expect.poll(() => p.registry.run('uses')).toBe(`t${i}`)
    await p.api.idle()
  }
  expect(p.registry.registerCount('uses')).toBe(registers + 4)
  expect(p.events.filter((event) => event.type === 'failed')).toEqual([])
})
