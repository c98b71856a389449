import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import { WizardFileWatcher, WizardReloader, type WizardFileChange } from '../../plugin/index.ts'
import { makeTempDir, TestRegistry, wizardSource, writeFiles } from '../temp-project.ts'

let server: ViteDevServer | undefined
let root: string | undefined
afterEach(async () => {
  await server?.close()
  if (root) fs.rmSync(root, { recursive: true, force: true })
  server = root = undefined
})

test('WizardReloader without the plugin: manual reloads, results, reload count (reference example 2)', async () => {
  root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  server = await createServer({
    root,
    configFile: false,
    envDir: false,
    appType: 'custom',
    logLevel: 'silent',
    server: { middlewareMode: true, hmr: false, ws: false },
  })
  const registry = new TestRegistry()
  const notified: string[] = []
  const reloader = new WizardReloader({
    server,
    register: registry.register,
    events: { reloaded: (e) => notified.push(`ok ${e.wizardId}`), failed: (e) => notified.push(`fail ${e.wizardId} ${e.error.kind}`) },
  })
  const file = path.join(root, 'wizards/debug_wizard.ts')

  const first = await reloader.reloadWizard('debug', file)
  expect(first).toMatchObject({ success: true, wizardId: 'debug', error: null, message: expect.stringMatching(/^debug reloaded in [\d.]+ ms$/) })
  expect(registry.run('debug')).toBe('v1')

  fs.writeFileSync(file, 'export class DebugWizard {')
  const broken = await reloader.reloadWizard('debug', file)
  expect(broken).toMatchObject({ success: false, error: expect.stringMatching(/^SyntaxError/), failure: { kind: 'syntax' } })
  expect(broken.message).toMatch(/\(kept previous version\)$/)
  expect(broken.wizardClass).toBe(first.wizardClass)

  fs.writeFileSync(file, wizardSource('DebugWizard', 'v2'))
  const [a, b] = await Promise.all([reloader.reloadWizard('debug', file), reloader.reloadWizard('debug', file)])
  expect([a.success, b.success]).toEqual([true, true])
  expect(registry.run('debug')).toBe('v2')
  expect(reloader.getReloadCount()).toBe(3)
  expect(notified).toEqual(['ok debug', 'fail debug syntax', 'ok debug', 'ok debug'])
})

test('WizardFileWatcher standalone with `await using` (reference example 3)', async () => {
  root = makeTempDir()
  writeFiles(root, { 'custom/wizards/debug_wizard.ts': 'v1', 'custom/wizards/node_modules/x/y_wizard.ts': 'x' })
  const changes: WizardFileChange[] = []
  {
    await using watcher = new WizardFileWatcher({ dirs: [path.join(root, 'custom/wizards')], delay: 0, onChange: (change) => changes.push(change) })
    await watcher.start()
    writeFiles(root, { 'custom/wizards/debug_wizard.ts': 'v2', 'custom/wizards/notes.txt': 'x', 'custom/wizards/node_modules/x/y_wizard.ts': 'y' })
    // notes.txt is reported too (a wizard may import it with ?raw); node_modules never is.
    await expect
      .poll(() => changes.map((c) => `${c.type} ${c.wizardId} ${path.basename(c.file)}`).sort())
      .toEqual(['change debug debug_wizard.ts', 'change null notes.txt'])
    fs.rmSync(path.join(root, 'custom/wizards/debug_wizard.ts'))
    await expect.poll(() => changes.filter((c) => c.type === 'remove').map((c) => `${c.type} ${c.wizardId}`)).toEqual(['remove debug'])
  }
  // Disposed at the end of the block: later edits are not reported.
  writeFiles(root, { 'custom/wizards/late_wizard.ts': 'late' })
  const probe: WizardFileChange[] = []
  await using probeWatcher = new WizardFileWatcher({ dirs: [path.join(root, 'custom/wizards')], delay: 0, onChange: (change) => probe.push(change) })
  await probeWatcher.start()
  writeFiles(root, { 'custom/wizards/probe_wizard.ts': 'p' })
  await expect.poll(() => probe.length).toBe(1)
  // One change per save, however many events the file system and chokidar deliver for it.
  expect(changes.map((c) => `${c.type} ${path.basename(c.file)}`).sort()).toEqual(['change debug_wizard.ts', 'change notes.txt', 'remove debug_wizard.ts'])
})

test('a quick second save inside chokidar’s 50 ms change throttle is still reported', async () => {
  root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': 'v1' })
  const changes: WizardFileChange[] = []
  await using watcher = new WizardFileWatcher({ dirs: [path.join(root, 'wizards')], delay: 0, onChange: (change) => changes.push(change) })
  await watcher.start()
  writeFiles(root, { 'wizards/debug_wizard.ts': 'v2' })
  await expect.poll(() => changes.length).toBe(1)
  writeFiles(root, { 'wizards/debug_wizard.ts': 'v3 — longer' })
  await expect.poll(() => changes.length).toBe(2)
})

test('content-only changes do not make chokidar re-read the folder; adds and deletes still do', async () => {
  root = makeTempDir()
  const files: Record<string, string> = {}
  for (let i = 0; i < 200; i++) files[`wizards/w${i}_wizard.ts`] = `v0 ${i}`
  writeFiles(root, files)
  const changes: WizardFileChange[] = []
  await using watcher = new WizardFileWatcher({ dirs: [path.join(root, 'wizards')], delay: 0, onChange: (change) => changes.push(change) })
  await watcher.start()
  const performedAfterScan = watcher.directoryRescans.performed

  for (let i = 1; i <= 5; i++) {
    writeFiles(root, { 'wizards/w7_wizard.ts': `v${i}` })
    await expect.poll(() => changes.filter((c) => c.wizardId === 'w7').length).toBeGreaterThanOrEqual(i)
  }
  expect(watcher.directoryRescans.skipped).toBeGreaterThan(0)
  expect(watcher.directoryRescans.performed).toBe(performedAfterScan)

  writeFiles(root, { 'wizards/new_wizard.ts': 'new' })
  await expect.poll(() => changes.some((c) => c.wizardId === 'new' && c.type === 'change')).toBe(true)
  fs.rmSync(path.join(root, 'wizards/w3_wizard.ts'))
  await expect.poll(() => changes.some((c) => c.wizardId === 'w3' && c.type === 'remove')).toBe(true)
  expect(watcher.directoryRescans.performed).toBeGreaterThan(performedAfterScan)
})
