import fs from 'node:fs'
import { afterEach, expect, test } from 'vitest'
import { createServer, type Plugin } from 'vite'
import { wizardHotReload, type WizardHotReloadApi } from './plugin.ts'
import { capturingLogger, makeTempDir, startTempProject, TestRegistry, wizardSource, writeFiles, type TempProject } from '../test/temp-project.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

test("the wizard folders are kept out of Vite's own watcher", async () => {
  project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'src/main.ts': 'export {}\n' },
  })
  const p = project
  // Vite's watcher has scanned the root and its `src` folder by now; it never descends into `wizards`.
  await expect.poll(() => Object.keys(p.server.watcher.getWatched())).toContain(p.path('src'))
  const watched = p.server.watcher.getWatched()
  expect(Object.keys(watched).some((dir) => dir.startsWith(p.path('wizards')))).toBe(false)
  expect(watched[p.root]).not.toContain('wizards')
})

test('closing the server stops watching; nothing is registered afterwards, even a reload in flight', async () => {
  let release!: () => void
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  p.registry.behaviour = () => new Promise<boolean>((resolve) => (release = () => resolve(true)))
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.calls.length).toBe(2)

  await p.server.close()
  expect(p.session.isDisposed).toBe(true)
  release()
  const callsAtClose = p.registry.calls.length
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
  p.remove('wizards/debug_wizard.ts')
  p.write('wizards/late_wizard.ts', wizardSource('LateWizard', 'late'))
  // Give a live watcher every chance to react: wait for a marker file's own watcher to see it.
  const marker = makeTempDir()
  const { WizardFileWatcher } = await import('./watcher.ts')
  const seen: string[] = []
  await using markerWatcher = new WizardFileWatcher({ dirs: [marker], delay: 0, onChange: (change) => seen.push(change.file) })
  await markerWatcher.start()
  writeFiles(marker, { 'a_wizard.ts': 'x' })
  await expect.poll(() => seen.length).toBe(1)
  await new Promise((resolve) => setImmediate(resolve))
  expect(p.registry.calls.length).toBe(callsAtClose)
  expect(p.registry.calls.some((call) => call.wizardId === 'late')).toBe(false)
})

test('a restarted server starts clean with a fresh session', async () => {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const registry = new TestRegistry()
  const plugin = wizardHotReload({ dirs: ['wizards'], delay: 0, register: registry.register, unregister: registry.unregister }) as Plugin & { api: WizardHotReloadApi }
  const logs: string[] = []
  const server = await createServer({ root, configFile: false, envDir: false, appType: 'custom', customLogger: capturingLogger(logs), server: { middlewareMode: true, hmr: false, ws: false }, plugins: [plugin] })
  try {
    const first = plugin.api.session!
    await first.ready
    expect(registry.registerCount('debug')).toBe(1)

    await server.restart()
    // `restart()` swaps the server's internals in place; the plugin instance is reused.
    const second = plugin.api.session!
    expect(second).not.toBe(first)
    expect(first.isDisposed).toBe(true)
    await second.ready
    expect(registry.registerCount('debug')).toBe(2)
    expect(second.state.get('debug')?.reloadCount).toBe(0)

    fs.writeFileSync(`${root}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => registry.run('debug')).toBe('v2')
    await second.idle()
    expect(registry.registerCount('debug')).toBe(3)
  } finally {
    await server.close()
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test('enabled: false (or HOT_RELOAD_ENABLED=false) starts nothing', async () => {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const registry = new TestRegistry()
  const plugin = wizardHotReload({ dirs: ['wizards'], register: registry.register }) as Plugin & { api: WizardHotReloadApi }
  process.env.HOT_RELOAD_ENABLED = 'false'
  const server = await createServer({ root, configFile: false, envDir: false, appType: 'custom', logLevel: 'silent', server: { middlewareMode: true, hmr: false, ws: false }, plugins: [plugin] }).finally(() => {
    delete process.env.HOT_RELOAD_ENABLED
  })
  try {
    expect(plugin.api.options?.enabled).toBe(false)
    expect(plugin.api.session).toBeUndefined()
    expect(registry.calls).toEqual([])
    // Disabled, the plugin leaves Vite's watcher alone: it scans the wizard folder as usual.
    await expect.poll(() => Object.keys(server.watcher.getWatched())).toContain(`${root}/wizards`)
  } finally {
    await server.close()
  }
})

test("server.watch: null (Vite's watcher off) stays off; wizards are still watched by the plugin", async () => {
  const p = (project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    vite: { server: { middlewareMode: true, hmr: false, ws: false, watch: null } },
  }))
  expect(p.server.config.server.watch).toBeNull()
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
})
