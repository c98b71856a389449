import { afterEach, expect, test } from 'vitest'
import { lastEvent, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const hangs = `await new Promise(() => {})\nexport class DebugWizard { run() { return 'never' } }\n`

test('a top level that never settles fails with kind timeout after loadTimeout; the old class stays; idle() resolves; the next save reloads', async () => {
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') }, plugin: { loadTimeout: 300 } }))
  p.write('wizards/debug_wizard.ts', hangs)
  await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('timeout')
  const failure = lastEvent(p.events, 'failed', 'debug')!
  expect(failure.error.message).toBe(
    'wizards/debug_wizard.ts did not finish loading within 0.3 s (loadTimeout): its top level, or a module it imports, never settles (an await that never resolves?)',
  )
  expect(failure.keptPreviousVersion).toBe(true)
  expect(p.registry.run('debug')).toBe('v1')
  await p.api.idle()

  // Fixing the file helps: the hung evaluation does not block the next one.
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { last_error: null } } })
})

test('a hung helper fails its importers with timeout; fixing the helper reloads them', async () => {
  const p = (project = await startTempProject({
    files: {
      'wizards/_slow.ts': `export const label = 'ok'\n`,
      'wizards/debug_wizard.ts': `import { label } from './_slow.ts'\nexport class DebugWizard { run() { return label } }\n`,
    },
    plugin: { loadTimeout: 300 },
  }))
  expect(p.registry.run('debug')).toBe('ok')
  p.write('wizards/_slow.ts', `await new Promise(() => {})\nexport const label = 'never'\n`)
  await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('timeout')
  expect(p.registry.run('debug')).toBe('ok')
  p.write('wizards/_slow.ts', `export const label = 'fixed'\n`)
  await expect.poll(() => p.registry.run('debug')).toBe('fixed')
})

test('at start, one hung wizard does not stop the others from registering or the "loaded" line from printing', async () => {
  const files: Record<string, string> = { 'wizards/debug_wizard.ts': hangs }
  for (let i = 0; i < 40; i++) files[`wizards/w${i}_wizard.ts`] = wizardSource(`W${i}Wizard`, `w${i}`)
  const p = (project = await startTempProject({ files, plugin: { loadTimeout: 500 } }))
  // startTempProject waited for `ready`: it resolved despite the hung module.
  for (let i = 0; i < 40; i++) expect(p.registry.run(`w${i}`)).toBe(`w${i}`)
  expect(p.registry.classes.has('debug')).toBe(false)
  expect(p.logs.some((line) => /loaded 40 wizards from wizards in \d+ ms, 1 failed \(watching, delay 10 ms\)/.test(line))).toBe(true)
  expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { last_error_kind: 'timeout' } } })
})

test('a load that timed out and finishes later is disposed then: what it started does not outlive it, nor ride on the next version', async () => {
  type Probe = { __release?: () => void; __timers?: number }
  const probe = globalThis as Probe
  probe.__timers = 0
  const slow = (name: string, wait: boolean) =>
    `${wait ? 'await new Promise<void>((resolve) => ((globalThis as any).__release = resolve))\n' : ''}` +
    `const g = globalThis as any\ng.__timers++\nconst timer = setInterval(() => {}, 1000)\nimport.meta.hot?.dispose(() => { clearInterval(timer); g.__timers-- })\ng.__ran = '${name}'\nexport class DebugWizard { run() { return '${name}' } }\n`
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': slow('v1', false) }, plugin: { loadTimeout: 300 }, hmr: true }))
  expect(probe.__timers).toBe(1)
  p.write('wizards/debug_wizard.ts', slow('late', true))
  await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('timeout')
  // Now the hung top level goes on: it starts a timer and registers its dispose — for a version that never was.
  probe.__release!()
  // It ran to its end (a timer more), and was disposed at once (back to one).
  await expect.poll(() => (probe as { __ran?: string }).__ran).toBe('late')
  await expect.poll(() => probe.__timers).toBe(1)
  expect(p.registry.run('debug')).toBe('v1')
  // The next good version, then one more: each replaced version's timer is stopped, the count stays at one.
  p.write('wizards/debug_wizard.ts', slow('v2', false))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  p.write('wizards/debug_wizard.ts', slow('v3', false))
  await expect.poll(() => p.registry.run('debug')).toBe('v3')
  await p.api.idle()
  expect(probe.__timers).toBe(1)
})
