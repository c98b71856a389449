import fs from 'node:fs'
import { afterEach, expect, test } from 'vitest'
import { createServer, type Plugin } from 'vite'
import { wizardHotReload, type WizardHotReloadApi } from '../../plugin/plugin.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { capturingLogger, makeTempDir, startTempProject, TestRegistry, wizardSource, writeFiles, type TempProject } from '../temp-project.ts'

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

  // A second dev server on the same folder, alive: once it has reacted to the edits below (its
  // debounce and its loads done), the closed one has had every chance to react too.
  const witness = await startTempProject({ root: p.root, files: {} })
  try {
    await p.server.close()
    expect(p.api.getStatus()).toEqual({ enabled: false }) // no dev server runs for this plugin now
    release()
    const callsAtClose = p.registry.calls.length
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => witness.registry.run('debug')).toBe('v3')
    p.remove('wizards/debug_wizard.ts')
    p.write('wizards/late_wizard.ts', wizardSource('LateWizard', 'late'))
    await expect.poll(() => [witness.registry.run('late'), witness.registry.classes.has('debug')]).toEqual(['late', false])
    await witness.api.idle()
    expect(p.registry.calls.length).toBe(callsAtClose)
    expect(p.registry.calls.some((call) => call.wizardId === 'late')).toBe(false)
  } finally {
    await witness.stop()
  }
})

test('a restarted server starts clean with a fresh session', async () => {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const registry = new TestRegistry()
  const plugin = wizardHotReload({
    dirs: ['wizards'],
    delay: 0,
    register: registry.register,
    unregister: registry.unregister,
  }) as Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }
  const logs: string[] = []
  const server = await createServer({
    root,
    configFile: false,
    envDir: false,
    appType: 'custom',
    customLogger: capturingLogger(logs),
    server: { middlewareMode: true, hmr: false, ws: false },
    plugins: [plugin],
  })
  try {
    await plugin.api.ready
    expect(registry.registerCount('debug')).toBe(1)

    await server.restart()
    // `restart()` swaps the server's internals in place; the plugin instance is reused, with a fresh
    // session: the wizard loads again (a second register), as an initial load (no reload counted).
    await plugin.api.ready
    expect(registry.registerCount('debug')).toBe(2)
    expect(plugin.api.getStatus()).toMatchObject({ running: true, reload_count: 0, wizards: { debug: { reload_count: 0, version: 1 } } })

    fs.writeFileSync(`${root}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => registry.run('debug')).toBe('v2')
    await plugin.api.idle()
    // One register for the edit: the first session, closed by the restart, did not react to it.
    expect(registry.registerCount('debug')).toBe(3)
  } finally {
    await server.close()
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test('enabled: false (or HOT_RELOAD_ENABLED=false): every wizard is loaded and registered once, nothing is watched or served', async () => {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const registry = new TestRegistry()
  const logs: string[] = []
  const plugin = wizardHotReload({ dirs: ['wizards'], delay: 0, register: registry.register }) as Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }
  process.env.HOT_RELOAD_ENABLED = 'false'
  const server = await createServer({
    root,
    configFile: false,
    envDir: false,
    appType: 'spa',
    customLogger: capturingLogger(logs),
    server: { host: '127.0.0.1', port: 0 },
    plugins: [plugin],
  }).finally(() => {
    delete process.env.HOT_RELOAD_ENABLED
  })
  try {
    await server.listen()
    await plugin.api.ready
    expect(plugin.api.options?.enabled).toBe(false)
    expect(registry.calls).toEqual([{ type: 'register', wizardId: 'debug', className: 'DebugWizard' }])
    expect(registry.run('debug')).toBe('v1')
    expect(logs.some((line) => line.includes('loaded 1 wizard from wizards') && line.includes('hot reload is off'))).toBe(true)
    const port = portOf(server.httpServer!)
    // The status endpoint says so; the WebSocket path answers 404 instead of hanging; no overlay.
    expect(await (await fetch(`http://127.0.0.1:${port}/api/hot-reload/status`)).json()).toEqual({ enabled: false })
    await expect(ReferenceClient.connect(`ws://127.0.0.1:${port}/ws/hot-reload`)).rejects.toThrow('HTTP 404')
    expect(await (await fetch(`http://127.0.0.1:${port}/@wizard-hot-reload/overlay.js`)).text()).not.toContain('mountWizardOverlay')
    // Not watched (edits apply after a restart): a live dev server on the same folder sees an edit
    // and reloads it — by then this one, had it watched, would have too.
    const witness = await startTempProject({ root, files: {} })
    try {
      fs.writeFileSync(`${root}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', 'v2'))
      await expect.poll(() => witness.registry.run('debug')).toBe('v2')
      await witness.api.idle()
      expect(registry.calls).toHaveLength(1)
      expect(registry.run('debug')).toBe('v1')
    } finally {
      await witness.stop()
    }
  } finally {
    await server.close()
    fs.rmSync(root, { recursive: true, force: true })
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

test('a project reached through a symlink (macOS /var → /private/var, linked folders) reloads the real modules', async () => {
  const real = makeTempDir()
  writeFiles(real, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'src/main.ts': 'export {}\n' })
  const linked = `${makeTempDir()}/project-link`
  fs.symlinkSync(real, linked)
  const registry = new TestRegistry()
  const plugin = wizardHotReload({ dirs: ['wizards'], delay: 0, register: registry.register }) as Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }
  const server = await createServer({
    root: linked,
    configFile: false,
    envDir: false,
    appType: 'custom',
    customLogger: capturingLogger([]),
    server: { middlewareMode: true, hmr: false, ws: false },
    plugins: [plugin],
  })
  try {
    await plugin.api.ready
    expect(registry.run('debug')).toBe('v1')
    for (const version of ['v2', 'v3']) {
      fs.writeFileSync(`${linked}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', version))
      await expect.poll(() => registry.run('debug')).toBe(version)
    }
    // Vite's own watcher (rooted at the link) still leaves the wizard folder alone.
    await expect.poll(() => Object.keys(server.watcher.getWatched()).some((dir) => dir.endsWith('/src'))).toBe(true)
    expect(Object.keys(server.watcher.getWatched()).some((dir) => dir.endsWith('/wizards'))).toBe(false)
  } finally {
    await server.close()
    fs.rmSync(real, { recursive: true, force: true })
  }
})

test('a dirs entry that is a symlink to a folder elsewhere reloads the real modules', async () => {
  const shared = makeTempDir()
  writeFiles(shared, { 'debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const p = (project = await startTempProject({ files: { 'src/main.ts': 'export {}\n' }, beforeStart: (root) => fs.symlinkSync(shared, `${root}/wizards`) }))
  try {
    expect(p.registry.run('debug')).toBe('v1')
    for (const version of ['v2', 'v3']) {
      fs.writeFileSync(`${shared}/debug_wizard.ts`, wizardSource('DebugWizard', version))
      await expect.poll(() => p.registry.run('debug')).toBe(version)
    }
    fs.writeFileSync(`${p.root}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', 'v4'))
    await expect.poll(() => p.registry.run('debug')).toBe('v4')
    expect(p.api.getStatus()).toMatchObject({ watch_dirs: [shared] })
    // Vite's watcher, rooted at the project, does not descend into the linked folder either.
    await expect.poll(() => Object.keys(p.server.watcher.getWatched())).toContain(p.path('src'))
    expect(Object.keys(p.server.watcher.getWatched()).some((dir) => dir.startsWith(p.path('wizards')) || dir.startsWith(shared))).toBe(false)
  } finally {
    fs.rmSync(shared, { recursive: true, force: true })
  }
})

test('a wizard file that is a symlink reloads its real module', async () => {
  const shared = makeTempDir()
  writeFiles(shared, { 'audit_wizard.ts': wizardSource('AuditWizard', 'v1') })
  const p = (project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'd') },
    beforeStart: (root) => fs.symlinkSync(`${shared}/audit_wizard.ts`, `${root}/wizards/audit_wizard.ts`),
  }))
  try {
    expect(p.registry.run('audit')).toBe('v1')
    for (const version of ['v2', 'v3']) {
      fs.writeFileSync(`${shared}/audit_wizard.ts`, wizardSource('AuditWizard', version))
      fs.utimesSync(p.path('wizards/audit_wizard.ts'), new Date(), new Date()) // editors save through the link
      await expect.poll(() => p.registry.run('audit')).toBe(version)
    }
  } finally {
    fs.rmSync(shared, { recursive: true, force: true })
  }
})
