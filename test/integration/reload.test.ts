import { afterEach, describe, expect, test } from 'vitest'
import fs from 'node:fs'
import { lastEvent, startTempProject, TestRegistry, wizardSource, writeFiles, type TempProject } from '../temp-project.ts'
import { shell } from '../shell.ts'
import type { HotReloadStatus } from '../../client/protocol.ts'

/** The status the endpoint would answer, for a running dev server. */
function status(p: TempProject): Extract<HotReloadStatus, { enabled: true }> {
  const now = p.api.getStatus()
  if (!now.enabled) throw new Error('no dev server is running')
  return now
}

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

async function start(files: Record<string, string>, plugin = {}) {
  project = await startTempProject({ files, plugin })
  return project
}

describe('edit → reload', () => {
  test('initial load registers every wizard, an edit registers the new class', async () => {
    const p = await start({
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/CodeReviewWizard.ts': wizardSource('CodeReviewWizard', 'review v1'),
      'wizards/nested/deep/security-audit.wizard.ts': wizardSource('SecurityAuditWizard', 'audit v1'),
    })
    expect(p.registry.run('debug')).toBe('v1')
    expect(p.registry.run('codereview')).toBe('review v1')
    expect(p.registry.run('security-audit')).toBe('audit v1')
    expect(p.events).toEqual([])

    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    const event = lastEvent(p.events, 'reloaded', 'debug')
    expect(event).toMatchObject({ wizardId: 'debug', file: p.path('wizards/debug_wizard.ts'), reloadCount: 1 })
    // Loading a module through Vite takes measurable time; the figure is the reload, not a placeholder.
    expect(event!.durationMs).toBeGreaterThan(0)
    expect(event!.durationMs).toBeLessThan(10_000)
    expect(p.logs.some((line) => /\[wizard-hot-reload\] debug reloaded in [\d.]+ ms/.test(line))).toBe(true)
    expect(p.registry.run('codereview')).toBe('review v1')
    expect(p.registry.registerCount('codereview')).toBe(1)

    p.write('wizards/nested/deep/security-audit.wizard.ts', wizardSource('SecurityAuditWizard', 'audit v2'))
    await expect.poll(() => p.registry.run('security-audit')).toBe('audit v2')
  })

  test('an editor-style atomic save (write temp + rename over) is picked up', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.atomicWrite('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    p.atomicWrite('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
    expect(p.registry.calls.filter((call) => call.type === 'unregister')).toEqual([])
  })

  test('a storm of 40 writes 0–2 ms apart (from another process) ends with the last version registered', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { delay: 0 })
    const writes = Array.from(
      { length: 40 },
      (_, i) => `printf 'export class DebugWizard { run() { return "v${i + 1}" } }\n' > wizards/debug_wizard.ts; sleep 0.00${(i + 1) % 3}`,
    )
    await shell(p.root, writes.join('\n'))
    await expect.poll(() => p.registry.run('debug')).toBe('v40')
    await p.api.idle()
    expect(p.registry.run('debug')).toBe('v40')
    expect(status(p).wizards.debug.last_error).toBeNull()
  })
})

test('a second notification for a save already loaded does not reload again (one save, one event)', async () => {
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  await p.api.idle()
  const registrations = p.registry.registerCount('debug')
  // Another event for the same content, as a truncate-then-write save or chokidar plus the trailing
  // check deliver: the file written again with what it holds. A marker file written after it is
  // registered once this server has processed both (one debounce each, the earlier write first).
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  p.write('wizards/marker_wizard.ts', wizardSource('MarkerWizard', 'seen'))
  await expect.poll(() => p.registry.run('marker')).toBe('seen')
  await p.api.idle()
  expect(p.registry.registerCount('debug')).toBe(registrations)
  expect(p.events.filter((event) => event.type === 'reloaded' && event.payload.wizardId === 'debug')).toHaveLength(1)
})

test('HOT_RELOAD_DELAY (seconds) debounces: saves within it become one reload', async () => {
  const p = (project = await startTempProject({ env: { HOT_RELOAD_DELAY: '0.4' }, files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') } }))
  expect(p.api.options?.delay).toBe(400)
  // Three saves at typing pace (60 ms apart, well inside the delay), from another process.
  await shell(p.root, [1, 2, 3].map((i) => `printf 'export class DebugWizard { run() { return "v${i}" } }\n' > wizards/debug_wizard.ts; sleep 0.06`).join('\n'))
  await expect.poll(() => p.registry.run('debug')).toBe('v3')
  await p.api.idle()
  expect(p.registry.registerCount('debug')).toBe(2) // the initial load and one reload
  expect(p.events.filter((event) => event.type === 'reloaded')).toHaveLength(1)
})

describe('failures keep the previous version', () => {
  test('syntax error: failure event with location and frame, old class serves; fix recovers', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `export class DebugWizard {\n  run(): string {\n    return 'v2' +\n  }\n}\n`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')).toBeDefined()
    const failure = lastEvent(p.events, 'failed', 'debug')!
    expect(failure.error.kind).toBe('syntax')
    expect(failure.error.message).toMatch(/^SyntaxError: /)
    expect(failure.error.message).not.toMatch(/\u001b\[/)
    expect(failure.error.loc).toEqual({ file: p.path('wizards/debug_wizard.ts'), line: 4, column: 3 })
    expect(failure.error.frame).toContain('> 4 |   }')
    expect(p.registry.run('debug')).toBe('v1')
    const logLine = p.logs.find((line) => line.includes('debug failed:'))!
    expect(logLine).toContain('(kept previous version)')
    expect(logLine).toContain('wizards/debug_wizard.ts:4:3')
    expect(p.logs.some((line) => line.includes('Error when evaluating SSR module'))).toBe(false)
    expect(status(p).wizards.debug.last_error).toMatch(/SyntaxError/)

    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
    expect(status(p).wizards.debug.last_error).toBeNull()
  })

  test('missing import: kind "import", points at the import line; creating the module recovers', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `import { shout } from './shout'\nexport class DebugWizard { run() { return shout('v2') } }\n`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('import')
    const failure = lastEvent(p.events, 'failed', 'debug')!
    expect(failure.error.message).toContain('./shout')
    expect(failure.error.loc).toMatchObject({ file: p.path('wizards/debug_wizard.ts'), line: 1 })
    expect(p.registry.run('debug')).toBe('v1')

    p.write('wizards/shout.ts', `export const shout = (s: string) => s.toUpperCase()\n`)
    await expect.poll(() => p.registry.run('debug')).toBe('V2')
  })

  test('missing package: kind "import"', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `import 'no-such-package-for-wizards'\n${wizardSource('DebugWizard', 'v2')}`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('import')
    expect(lastEvent(p.events, 'failed', 'debug')!.error.message).toContain('no-such-package-for-wizards')
    expect(p.registry.run('debug')).toBe('v1')
  })

  test('a throw at module top level: kind "evaluate" at the source line', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `const limit: number = 3\nthrow new Error('config missing')\n${wizardSource('DebugWizard', 'v2')}`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('evaluate')
    const failure = lastEvent(p.events, 'failed', 'debug')!
    expect(failure.error.message).toBe('config missing')
    expect(failure.error.loc).toMatchObject({ file: p.path('wizards/debug_wizard.ts'), line: 2 })
    expect(failure.error.frame).toContain("> 2 | throw new Error('config missing')")
    expect(p.registry.run('debug')).toBe('v1')
  })

  test('no class, then two classes: failures that say so; the old class serves', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `export const notAWizard = 1\n`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('no-class')
    expect(lastEvent(p.events, 'failed', 'debug')!.error.message).toContain('notAWizard')
    expect(p.registry.run('debug')).toBe('v1')

    p.write('wizards/debug_wizard.ts', `${wizardSource('DebugWizard', 'a')}\n${wizardSource('OtherWizard', 'b')}`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.message).toMatch(/DebugWizard, OtherWizard/)
    expect(lastEvent(p.events, 'failed', 'debug')!.error.kind).toBe('no-class')
    expect(p.registry.run('debug')).toBe('v1')
  })

  test('register returns false, throws, or hangs past registerTimeout', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') }, { registerTimeout: 300 })

    p.registry.behaviour = () => false
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.message).toBe('register("debug") returned false')
    expect(lastEvent(p.events, 'failed', 'debug')!.error.kind).toBe('register')
    expect(p.registry.run('debug')).toBe('v1')

    p.registry.behaviour = () => {
      throw new TypeError('registry is read-only')
    }
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.message).toContain('TypeError: registry is read-only')
    expect(p.registry.run('debug')).toBe('v1')

    let release!: () => void
    p.registry.behaviour = () => new Promise<boolean>((resolve) => (release = () => resolve(true)))
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v4'))
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('timeout')
    expect(lastEvent(p.events, 'failed', 'debug')!.error.message).toContain('300 ms')
    expect(p.registry.run('debug')).toBe('v1')
    expect(status(p).wizards.debug.version).toBe(1) // what the plugin holds registered is what the registry serves

    // The hung call finishes late and installs v4 in the backend: the plugin puts v1 back.
    p.registry.behaviour = () => true
    release()
    await expect.poll(() => p.logs.some((line) => line.includes('register finished after the 300 ms timeout'))).toBe(true)
    await expect.poll(() => p.registry.run('debug')).toBe('v1')

    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v5'))
    await expect.poll(() => p.registry.run('debug')).toBe('v5')
  })
})

describe('helpers and dependents', () => {
  test('a helper change reloads every wizard that imports it, directly or not', async () => {
    const p = await start({
      'wizards/format.ts': `export const tag = (s: string) => '[' + s + ']'\n`,
      'wizards/lib/_layout.ts': `import { tag } from '../format'\nexport const layout = (s: string) => tag(s) + '!'\n`,
      'wizards/direct_wizard.ts': `import { tag } from './format'\nexport class DirectWizard { run() { return tag('direct') } }\n`,
      'wizards/indirect_wizard.ts': `import { layout } from './lib/_layout'\nexport class IndirectWizard { run() { return layout('indirect') } }\n`,
      'wizards/alone_wizard.ts': wizardSource('AloneWizard', 'alone'),
    })
    expect(p.registry.run('direct')).toBe('[direct]')
    expect(p.registry.run('indirect')).toBe('[indirect]!')
    expect(status(p).wizards.format).toBeUndefined()

    p.write('wizards/format.ts', `export const tag = (s: string) => '<' + s + '>'\n`)
    await expect.poll(() => [p.registry.run('direct'), p.registry.run('indirect')]).toEqual(['<direct>', '<indirect>!'])
    expect(p.registry.registerCount('alone')).toBe(1)
    expect(p.registry.calls.some((call) => call.wizardId === 'format')).toBe(false)
  })

  test('a syntax error in a helper fails every importer (old versions keep serving), printed once; fixing it recovers all', async () => {
    const helper = `export const tag = (s: string) => '[' + s + ']'\n`
    const p = await start({
      'wizards/format.ts': helper,
      'wizards/a_wizard.ts': `import { tag } from './format'\nexport class AWizard { run() { return tag('a') } }\n`,
      'wizards/b_wizard.ts': `import { tag } from './format'\nexport class BWizard { run() { return tag('b') } }\n`,
      'wizards/c_wizard.ts': `import { tag } from './format'\nexport class CWizard { run() { return tag('c') } }\n`,
    })
    p.write('wizards/format.ts', `export const tag = (s: string) => '[' + s +\n`)
    await expect.poll(() => ['a', 'b', 'c'].map((id) => lastEvent(p.events, 'failed', id)?.error.kind)).toEqual(['syntax', 'syntax', 'syntax'])
    expect(lastEvent(p.events, 'failed', 'b')!.error.loc?.file).toBe(p.path('wizards/format.ts'))
    expect(['a', 'b', 'c'].map((id) => p.registry.run(id))).toEqual(['[a]', '[b]', '[c]'])
    const failureLines = p.logs.filter((line) => /\b[abc] failed:/.test(line))
    expect(failureLines).toHaveLength(3)
    expect(failureLines.filter((line) => line.includes(' | '))).toHaveLength(1)
    expect(failureLines.filter((line) => line.includes('failed: same error in wizards/format.ts:'))).toHaveLength(2)
    // The helper itself is no wizard: one line for it, no failure event of its own.
    expect(p.events.some((event) => event.payload.wizardId === 'format')).toBe(false)
    expect(p.logs.some((line) => line.includes('helper wizards/format.ts:2:1 failed to load: SyntaxError'))).toBe(true)

    p.write('wizards/format.ts', `export const tag = (s: string) => '<' + s + '>'\n`)
    await expect.poll(() => ['a', 'b', 'c'].map((id) => p.registry.run(id))).toEqual(['<a>', '<b>', '<c>'])
  })

  test('a wizard extending an imported base class registers its own class; base_wizard.ts is a helper', async () => {
    const p = await start({
      'wizards/base_wizard.ts': `export abstract class BaseWizard { greet() { return 'hello from ' + this.name() }\n abstract name(): string }\n`,
      'wizards/review_wizard.ts': `import { BaseWizard } from './base_wizard'\nexport { BaseWizard }\nexport class ReviewWizard extends BaseWizard { name() { return 'review' } run() { return this.greet() } }\n`,
      'wizards/BaseballWizard.ts': wizardSource('BaseballWizard', 'play ball'),
    })
    expect(p.registry.calls.map((call) => `${call.wizardId}:${call.className}`).sort()).toEqual(['baseball:BaseballWizard', 'review:ReviewWizard'])
    expect(p.registry.run('review')).toBe('hello from review')

    p.write('wizards/base_wizard.ts', `export abstract class BaseWizard { greet() { return 'hi from ' + this.name() }\n abstract name(): string }\n`)
    await expect.poll(() => p.registry.run('review')).toBe('hi from review')
    expect(p.events.filter((event) => event.payload.wizardId === 'base')).toEqual([])
  })

  test('a test file or a declaration file in the folder is never loaded', async () => {
    const p = await start({
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/debug_wizard.test.ts': `throw new Error('a test file must not be loaded')\nexport class TestedWizard {}\n`,
      'wizards/types.d.ts': `export declare class TypesWizard {}\n`,
      'wizards/__tests__/helper_wizard.ts': wizardSource('HelperWizard', 'x'),
    })
    expect([...p.registry.classes.keys()]).toEqual(['debug'])
    p.write('wizards/debug_wizard.test.ts', `throw new Error('still a test')\n`)
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    await p.api.idle()
    expect(p.events.filter((event) => event.type === 'failed')).toEqual([])
  })

  test('editing a module outside dirs that a wizard imports reloads that wizard', async () => {
    const p = await start({
      'src/lib/format.ts': `export const money = (n: number) => '$' + n.toFixed(2)\n`,
      'wizards/price_wizard.ts': `import { money } from '../src/lib/format'\nexport class PriceWizard { run() { return money(3) } }\n`,
      'wizards/other_wizard.ts': wizardSource('OtherWizard', 'other'),
    })
    expect(p.registry.run('price')).toBe('$3.00')
    p.write('src/lib/format.ts', `export const money = (n: number) => n.toFixed(2) + ' EUR'\n`)
    await expect.poll(() => p.registry.run('price')).toBe('3.00 EUR')
    expect(p.registry.registerCount('other')).toBe(1)
  })
})

describe('create, delete, rename', () => {
  test('a new file is loaded and registered; deleting it unregisters it', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/sub/new_wizard.ts', wizardSource('NewWizard', 'fresh'))
    await expect.poll(() => p.registry.run('new')).toBe('fresh')
    expect(lastEvent(p.events, 'reloaded', 'new')).toMatchObject({ reloadCount: 1, added: true })
    // A new file is "added", not "reloaded" (it had no version to reload).
    expect(p.logs.filter((line) => /\] new added in [\d.]+ ms$/.test(line))).toHaveLength(1)
    expect(p.logs.some((line) => line.includes('new reloaded'))).toBe(false)

    p.remove('wizards/sub/new_wizard.ts')
    await expect.poll(() => p.registry.classes.has('new')).toBe(false)
    expect(p.registry.calls.at(-1)).toEqual({ type: 'unregister', wizardId: 'new' })
    expect(lastEvent(p.events, 'removed', 'new')).toMatchObject({ file: p.path('wizards/sub/new_wizard.ts') })
    expect(status(p).wizards.new).toBeUndefined()
    expect(p.logs.some((line) => line.includes('new removed'))).toBe(true)
  })

  test('rename = delete + create', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.rename('wizards/debug_wizard.ts', 'wizards/trace_wizard.ts')
    await expect.poll(() => [p.registry.classes.has('debug'), p.registry.run('trace')]).toEqual([false, 'v1'])
    expect(lastEvent(p.events, 'removed', 'debug')).toBeDefined()
  })

  test('moving a wizard to a subfolder keeps it registered under the same id', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/tools/.keep.ts', '')
    p.rename('wizards/debug_wizard.ts', 'wizards/tools/debug_wizard.ts')
    await expect.poll(() => status(p).wizards.debug?.file).toBe(p.path('wizards/tools/debug_wizard.ts'))
    await p.api.idle()
    expect(p.registry.run('debug')).toBe('v1')
  })

  test('two files with the same wizard id: a warning names both; the one loaded last is registered', async () => {
    const p = await start({ 'wizards/a/debug_wizard.ts': wizardSource('DebugWizard', 'from a') })
    p.write('wizards/b/DebugWizard.ts', wizardSource('DebugWizard', 'from b'))
    await expect.poll(() => p.registry.run('debug')).toBe('from b')
    expect(p.logs.some((line) => line.includes('debug: wizards/b/DebugWizard.ts and wizards/a/debug_wizard.ts both map to the wizard id "debug"'))).toBe(true)
  })

  test('deleting a helper fails its importers with an import error and keeps them', async () => {
    const p = await start({
      'wizards/format.ts': `export const tag = (s: string) => '[' + s + ']'\n`,
      'wizards/direct_wizard.ts': `import { tag } from './format'\nexport class DirectWizard { run() { return tag('direct') } }\n`,
    })
    p.remove('wizards/format.ts')
    await expect.poll(() => lastEvent(p.events, 'failed', 'direct')?.error.kind).toBe('import')
    expect(p.registry.run('direct')).toBe('[direct]')
    p.write('wizards/format.ts', `export const tag = (s: string) => '{' + s + '}'\n`)
    await expect.poll(() => p.registry.run('direct')).toBe('{direct}')
  })
})

describe('startup', () => {
  test('files edited, created and deleted while the server is starting end up as on disk', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 40; i++) files[`wizards/w${i}_wizard.ts`] = wizardSource(`W${i}Wizard`, 'v0')
    let edited = false
    const registry = new TestRegistry()
    let root = ''
    project = await startTempProject({
      files,
      useTestRegistry: false,
      plugin: {
        register: (wizardId: string, wizardClass: unknown) => {
          // Mid initial load (watcher perhaps not ready yet), change the disk under the plugin.
          if (!edited && root) {
            edited = true
            writeFiles(root, { 'wizards/w0_wizard.ts': wizardSource('W0Wizard', 'edited'), 'wizards/late_wizard.ts': wizardSource('LateWizard', 'late') })
            fs.rmSync(`${root}/wizards/w39_wizard.ts`)
          }
          return registry.register(wizardId, wizardClass)
        },
        unregister: (wizardId: string) => registry.unregister(wizardId),
      },
      beforeStart: (dir) => (root = dir),
    })
    await expect.poll(() => [registry.run('w0'), registry.run('late'), registry.classes.has('w39')]).toEqual(['edited', 'late', false])
  })
})

test('a broken .json a wizard imports is a syntax failure that names the JSON file, its line and column, with its frame', async () => {
  const p = await start({
    'wizards/data.json': '{ "a": 1 }\n',
    'wizards/json_wizard.ts': "import data from './data.json'\nexport class JsonWizard { run() { return data.a } }\n",
  })
  p.write('wizards/data.json', '{\n  "a": 1,\n  b: 2\n}\n')
  await expect.poll(() => lastEvent(p.events, 'failed', 'json')?.error.kind).toBe('syntax')
  const { error } = lastEvent(p.events, 'failed', 'json')!
  expect(error.message).toContain('wizards/data.json')
  expect(error.loc).toMatchObject({ file: p.path('wizards/data.json'), line: 3 })
  expect(error.frame).toContain('> 3 |')
  expect(p.registry.run('json')).toBe(1)
})

test('a syntax error on a 1 MB line: the code frame shows a window around the column, and the failure stays small', async () => {
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  p.write('wizards/debug_wizard.ts', `export const blob = "${'b'.repeat(1024 * 1024)}" +\nexport class DebugWizard {}\n`)
  await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('syntax')
  const failure = lastEvent(p.events, 'failed', 'debug')!.error
  expect(JSON.stringify(failure).length).toBeLessThan(16 * 1024)
  expect(failure.frame).toMatch(/\^/)
  expect(p.registry.run('debug')).toBe('v1')
})

test('the diff of two large versions is capped and names what it left out', async () => {
  const lines = (tag: string) => Array.from({ length: 20_000 }, (_, i) => `// ${tag} line ${i}`).join('\n')
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1', lines('a')) } }))
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2', lines('b')))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  const diff = p.api.diff('debug', 1, 2)
  const shown = diff.hunks.flatMap((hunk) => hunk.lines)
  expect(shown.length).toBeLessThanOrEqual(2001)
  expect(shown.join('\n')).toMatch(/too far apart|more hunks not shown/)
})
