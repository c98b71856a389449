import { afterEach, describe, expect, test } from 'vitest'
import type { WizardFailedPayload, WizardReloadedPayload } from '../../client/protocol.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { lastEvent, startTempProject, type TempProject, type TempProjectOptions } from '../temp-project.ts'
import { shell } from '../shell.ts'

let project: TempProject | undefined
const sockets: Array<{ close(): void }> = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await project?.close()
  project = undefined
})

/**
 * A minimal Standard Schema (the `~standard` interface, no library): flat typed fields with
 * defaults. Temp projects live outside this repository, so they cannot import Zod or Valibot;
 * those two are exercised against the same loader in plugin/config/wizard-config.test.ts.
 */
const SCHEMA_MODULE = `
export function object(fields) {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate(value) {
        if (value === undefined) return { issues: [{ message: 'a config file is required' }] }
        if (typeof value !== 'object' || value === null) return { issues: [{ message: 'expected an object' }] }
        const out = {}
        const issues = []
        for (const [key, [type, fallback]] of Object.entries(fields)) {
          const field = value[key] ?? fallback
          if (typeof field !== type) issues.push({ message: 'expected ' + type + ', received ' + typeof field, path: [{ key }] })
          out[key] = field
        }
        return issues.length ? { issues } : { value: out }
      },
    },
  }
}
`

/** A wizard with a schema; every evaluation of its module counts (to prove config reloads evaluate no code). */
function reviewWizard(tag = 'v1', schema = "object({ model: ['string'], temperature: ['number', 0.2] })"): string {
  return `import { object } from './_schema.ts'
globalThis.__reviewEvaluations = (globalThis.__reviewEvaluations ?? 0) + 1
export class ReviewWizard {
  static configSchema = ${schema}
  run() { return ${JSON.stringify(tag)} }
}
`
}

async function start(files: Record<string, string>, options: Partial<TempProjectOptions> = {}) {
  ;(globalThis as { __reviewEvaluations?: number }).__reviewEvaluations = 0
  const p = (project = await startTempProject({ files: { 'wizards/_schema.ts': SCHEMA_MODULE, ...files }, ...options }))
  await p.api.idle()
  return p
}
const evaluations = () => (globalThis as { __reviewEvaluations?: number }).__reviewEvaluations ?? 0
const lastConfig = (p: TempProject) => p.registry.contexts.filter((entry) => entry.wizardId === 'review').at(-1)?.context
const failedEvents = (p: TempProject) => p.events.filter((event) => event.type === 'failed').map((event) => event.payload as WizardFailedPayload)
const reloadedEvents = (p: TempProject) => p.events.filter((event) => event.type === 'reloaded').map((event) => event.payload as WizardReloadedPayload)

describe('config files', () => {
  test('the initial load gets the validated config (defaults applied) as context.config; status names the file', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' })
    expect(lastConfig(p)).toMatchObject({ version: 1, config: { model: 'small', temperature: 0.2 } })
    expect(p.api.getStatus()).toMatchObject({
      wizards: { review: { config_file: p.path('wizards/review_wizard.config.yaml'), config_hash: expect.stringMatching(/^[0-9a-f]{12}$/) } },
    })
    expect(p.api.history('review')[0]).toMatchObject({
      outcome: 'loaded',
      configFile: p.path('wizards/review_wizard.config.yaml'),
      configHash: expect.any(String),
    })
  })

  test('a config edit registers the same class again with the new config: no code evaluated, its own version, reason "config" everywhere', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' }, { listen: true })
    const ws = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(p.server.httpServer!)}/ws/hot-reload`)
    sockets.push(ws)
    const classBefore = p.registry.classes.get('review')
    const evaluated = evaluations()
    const savedAt = performance.now()
    p.write('wizards/review_wizard.config.yaml', 'model: large\ntemperature: 0.7\n')
    await expect.poll(() => lastConfig(p)?.config).toEqual({ model: 'large', temperature: 0.7 })
    await p.api.idle()
    // Its duration is its own (it counted from the code's last read, long before).
    expect(lastEvent(p.events, 'reloaded', 'review')!.durationMs).toBeLessThanOrEqual(performance.now() - savedAt)
    expect(evaluations()).toBe(evaluated)
    expect(p.registry.classes.get('review')).toBe(classBefore)
    expect(lastConfig(p)).toMatchObject({ version: 2, previous: classBefore })
    expect(lastEvent(p.events, 'reloaded', 'review')).toMatchObject({ version: 2, reason: 'config', configFile: p.path('wizards/review_wizard.config.yaml') })
    expect(p.api.history('review').at(-1)).toMatchObject({ version: 2, outcome: 'config' })
    expect(p.logs.some((line) => line.includes('review config reloaded in') && line.includes('wizards/review_wizard.config.yaml'))).toBe(true)
    await expect.poll(() => ws.of('wizard_reloaded').at(-1)).toMatchObject({ wizard_id: 'review', reason: 'config' })
    // A code edit registers the new class with the current config.
    p.write('wizards/review_wizard.ts', reviewWizard('v2'))
    await expect.poll(() => p.registry.run('review')).toBe('v2')
    expect(lastConfig(p)).toMatchObject({ version: 3, config: { model: 'large', temperature: 0.7 } })
    expect(lastEvent(p.events, 'reloaded', 'review')).toMatchObject({ version: 3, reason: 'code' })
    // The config version's signal was aborted when it was replaced; the class's module was not disposed for a config change.
    expect(p.registry.contexts.find((entry) => entry.context.version === 2)!.context.signal.aborted).toBe(true)
  })

  test.each([
    [
      'a YAML indentation error',
      'review_wizard.config.yaml',
      'model: small\nlimits:\n  a: 1\n b: 2\n',
      /review_wizard\.config\.yaml: All mapping items must start at the same column/,
      { line: 4, column: 1 },
    ],
    [
      'a JSON trailing comma',
      'review_wizard.config.json',
      '{\n  "model": "small",\n}\n',
      /review_wizard\.config\.json: trailing comma/,
      { line: 2, column: 19 },
    ],
    [
      'a TOML duplicate key',
      'review_wizard.config.toml',
      'model = "a"\nmodel = "b"\n',
      /review_wizard\.config\.toml: trying to redefine/,
      { line: 2, column: 1 },
    ],
    [
      'a schema violation (at the key)',
      'review_wizard.config.yaml',
      'model: small\ntemperature: hot\n',
      /review_wizard\.config\.yaml: temperature: expected number, received string/,
      { line: 2, column: 1 },
    ],
  ])(
    '%s: a config failure located in the config file, with its frame; the previous class and config keep serving',
    async (_, name, broken, message, position) => {
      const valid = name.endsWith('.toml') ? 'model = "small"\n' : name.endsWith('.json') ? '{ "model": "small" }\n' : 'model: small\n'
      const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), [`wizards/${name}`]: valid })
      const registers = p.registry.registerCount('review')
      p.write(`wizards/${name}`, broken)
      await expect.poll(() => failedEvents(p).length).toBe(1)
      const [failure] = failedEvents(p)
      expect(failure).toMatchObject({
        wizardId: 'review',
        keptPreviousVersion: true,
        error: { kind: 'config', loc: { file: p.path(`wizards/${name}`), ...position } },
      })
      expect(failure.error.message).toMatch(message)
      expect(failure.error.frame).toMatch(new RegExp(`> ${position.line} \\|`))
      expect(p.registry.registerCount('review')).toBe(registers)
      expect(lastConfig(p)?.config).toMatchObject({ model: 'small' })
      expect(p.api.getStatus()).toMatchObject({
        wizards: {
          review: {
            version: 1,
            last_error_kind: 'config',
            last_error_loc: { file: p.path(`wizards/${name}`), ...position },
            last_error_frame: expect.stringMatching(new RegExp(`> ${position.line} \\|`)),
          },
        },
      })
      expect(p.logs.some((line) => line.includes('review failed:') && line.includes(`at wizards/${name}:${position.line}:${position.column}`))).toBe(true)
      // Fixing it loads it; the failure is cleared.
      p.write(`wizards/${name}`, valid.replace('small', 'fixed'))
      await expect.poll(() => (lastConfig(p)?.config as { model?: string } | undefined)?.model).toBe('fixed')
      expect(p.api.getStatus()).toMatchObject({ wizards: { review: { last_error: null } } })
    },
  )

  test('creating a config applies it; deleting it registers again with undefined — which fails (transactionally) when the schema requires one', async () => {
    const p = await start({
      'wizards/review_wizard.ts': reviewWizard(),
      'wizards/note_wizard.ts': 'export class NoteWizard { run() { return "note" } }\n',
    })
    // review's schema requires a config: not registered yet, a config failure naming where it looked.
    expect(p.registry.classes.has('review')).toBe(false)
    expect(lastEvent(p.events, 'failed', 'review')?.error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('its configSchema requires one: a config file is required'),
    })
    expect(p.api.getStatus()).toMatchObject({
      wizards: {
        review: {
          last_error_kind: 'config',
          last_error: expect.stringContaining('review has no config file (looked for wizards/review_wizard.config.{yaml,yml,json,jsonc,toml})'),
        },
      },
    })
    p.write('wizards/review_wizard.config.yaml', 'model: small\n')
    await expect.poll(() => p.registry.run('review')).toBe('v1')
    expect(lastConfig(p)?.config).toEqual({ model: 'small', temperature: 0.2 })

    // note has no schema: its config is the parsed file, and undefined again once deleted.
    const noteConfig = () => p.registry.contexts.filter((entry) => entry.wizardId === 'note').at(-1)?.context.config
    p.write('wizards/note_wizard.config.json', '{ "tone": "dry" }')
    await expect.poll(noteConfig).toEqual({ tone: 'dry' })
    p.remove('wizards/note_wizard.config.json')
    await expect.poll(() => p.registry.contexts.filter((entry) => entry.wizardId === 'note').length).toBe(3)
    expect(noteConfig()).toBeUndefined()
    expect(lastEvent(p.events, 'reloaded', 'note')).toMatchObject({ reason: 'config', configFile: null })

    // review's config deleted: its schema refuses undefined; the registered version keeps serving.
    p.remove('wizards/review_wizard.config.yaml')
    await expect.poll(() => lastEvent(p.events, 'failed', 'review')?.error.kind).toBe('config')
    expect(p.registry.run('review')).toBe('v1')
    expect(lastConfig(p)?.config).toEqual({ model: 'small', temperature: 0.2 })
  })

  test('code and config saved in one burst: one reload, both new', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' }, { plugin: { delay: 300 } })
    const registers = p.registry.registerCount('review')
    p.write('wizards/review_wizard.ts', reviewWizard('v2', "object({ model: ['string'], temperature: ['number', 0.2], retries: ['number', 3] })"))
    p.write('wizards/review_wizard.config.yaml', 'model: large\nretries: 5\n')
    await expect.poll(() => p.registry.run('review')).toBe('v2')
    await p.api.idle()
    expect(p.registry.registerCount('review')).toBe(registers + 1)
    expect(lastConfig(p)).toMatchObject({ version: 2, config: { model: 'large', temperature: 0.2, retries: 5 } })
    expect(reloadedEvents(p)).toHaveLength(1)
    // The other order too.
    p.write('wizards/review_wizard.config.yaml', 'model: huge\nretries: 1\n')
    p.write('wizards/review_wizard.ts', reviewWizard('v3', "object({ model: ['string'], temperature: ['number', 0.2], retries: ['number', 3] })"))
    await expect.poll(() => p.registry.run('review')).toBe('v3')
    await p.api.idle()
    expect(p.registry.registerCount('review')).toBe(registers + 2)
    expect(lastConfig(p)).toMatchObject({ version: 3, config: { model: 'huge', retries: 1 } })
  })

  test('a rollback restores the class and the config it was registered with; a config edit unpins it', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' })
    p.write('wizards/review_wizard.config.yaml', 'model: large\n')
    await expect.poll(() => (lastConfig(p)?.config as { model: string } | undefined)?.model).toBe('large')
    p.write('wizards/review_wizard.ts', reviewWizard('v3'))
    await expect.poll(() => p.registry.run('review')).toBe('v3')
    await p.api.idle()
    expect(await p.api.rollback('review', 1)).toMatchObject({ ok: true, version: 1 })
    expect(p.registry.run('review')).toBe('v1')
    expect(lastConfig(p)).toMatchObject({ version: 1, config: { model: 'small' } })
    expect(await p.api.rollback('review', 2)).toMatchObject({ ok: true })
    expect(p.registry.run('review')).toBe('v1')
    expect(lastConfig(p)).toMatchObject({ version: 2, config: { model: 'large' } })
    const diff = p.api.diff('review', 1, 2)
    expect(diff.hunks).toEqual([])
    expect(diff.config.hunks[0].lines).toEqual(['-model: small', '+model: large'])
    // Saving the config unpins it: what is on disk (code v3, the new config) loads.
    p.write('wizards/review_wizard.config.yaml', 'model: medium\n')
    await expect.poll(() => p.registry.run('review')).toBe('v3')
    expect(lastConfig(p)?.config).toMatchObject({ model: 'medium' })
    expect(p.api.getStatus()).toMatchObject({ wizards: { review: { pinned_version: null } } })
  })

  test('two config files for one wizard: a failure naming both, until one goes', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' }, { listen: true })
    p.write('wizards/review_wizard.config.json', '{ "model": "json" }')
    await expect
      .poll(() => lastEvent(p.events, 'failed', 'review')?.error.message)
      .toBe('wizards/review_wizard.ts has 2 config files: wizards/review_wizard.config.yaml and wizards/review_wizard.config.json; keep one')
    await p.api.idle()
    // One file created, one failure: one event, one history entry.
    expect(p.events.filter((event) => event.type === 'failed')).toHaveLength(1)
    expect(p.api.history('review').filter((entry) => entry.outcome === 'failed')).toHaveLength(1)
    p.remove('wizards/review_wizard.config.yaml')
    await expect.poll(() => (lastConfig(p)?.config as { model: string } | undefined)?.model).toBe('json')
  })

  test('the configFile option: a config folder outside the wizard folders, watched through Vite', async () => {
    const p = await start(
      { 'wizards/review_wizard.ts': reviewWizard(), 'config/review.yaml': 'model: small\n' },
      {
        hmr: true,
        plugin: {
          configFile: (file: string) =>
            `config/${file
              .split('/')
              .pop()!
              .replace(/_wizard\.ts$/, '')}.yaml`,
        },
      },
    )
    expect(lastConfig(p)?.config).toMatchObject({ model: 'small' })
    p.write('config/review.yaml', 'model: outside\n')
    await expect.poll(() => (lastConfig(p)?.config as { model: string } | undefined)?.model).toBe('outside')
    expect(lastEvent(p.events, 'reloaded', 'review')).toMatchObject({ reason: 'config', configFile: p.path('config/review.yaml') })
  })

  test('one config file shared by several wizards (configFile): an edit reaches each of them', async () => {
    const plain = (name: string) => `export class ${name}Wizard { run() { return '${name}' } }\n`
    const p = await start(
      { 'wizards/a_wizard.ts': plain('A'), 'wizards/b_wizard.ts': plain('B'), 'config/shared.json': '{ "tone": "dry" }' },
      { hmr: true, plugin: { configFile: () => 'config/shared.json' } },
    )
    const configOf = (id: string) => p.registry.contexts.filter((entry) => entry.wizardId === id).at(-1)?.context.config
    expect([configOf('a'), configOf('b')]).toEqual([{ tone: 'dry' }, { tone: 'dry' }])
    p.write('config/shared.json', '{ "tone": "warm" }')
    await expect.poll(() => [configOf('a'), configOf('b')]).toEqual([{ tone: 'warm' }, { tone: 'warm' }])
  })

  test('a register that refuses the new config keeps the old one (transactional)', async () => {
    const p = await start({ 'wizards/review_wizard.ts': reviewWizard(), 'wizards/review_wizard.config.yaml': 'model: small\n' })
    p.registry.behaviour = (_, context) => (context?.config as { model?: string } | undefined)?.model !== 'forbidden'
    p.write('wizards/review_wizard.config.yaml', 'model: forbidden\n')
    await expect.poll(() => lastEvent(p.events, 'failed', 'review')?.error.kind).toBe('register')
    p.registry.behaviour = () => true
    expect(p.api.getStatus()).toMatchObject({ wizards: { review: { version: 1, config_hash: p.api.history('review')[0].configHash } } })
  })
})

describe('config files no wizard may stop the plugin with', () => {
  test('nested 100,000 deep at start, and saved so at run time: that wizard’s config failure, located; the plugin starts and the others load', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const p = await start({
      'wizards/x_wizard.ts': 'export class XWizard { run() { return "x" } }\n',
      'wizards/x_wizard.config.json': deep,
      'wizards/y_wizard.ts': 'export class YWizard { run() { return "y" } }\n',
      'wizards/y_wizard.config.jsonc': '{ "ok": true }',
    })
    expect(p.registry.run('y')).toBe('y')
    expect(p.api.getStatus()).toMatchObject({
      running: true,
      last_error: null,
      wizards: { x: { last_error_kind: 'config', last_error_loc: { line: 1, column: 101 } } },
    })
    p.write('wizards/y_wizard.config.jsonc', `// still fine?\n${deep}`)
    await expect
      .poll(() => lastEvent(p.events, 'failed', 'y')?.error)
      .toMatchObject({ kind: 'config', message: expect.stringContaining('nested more than 100 levels deep'), loc: { line: 2, column: 101 } })
    expect(p.registry.run('y')).toBe('y')
    expect(p.api.getStatus()).toMatchObject({ last_error: null })
  })

  test('a config file over 1 MB is refused before it is read: a config failure naming its size; the previous config keeps serving', async () => {
    const p = await start({ 'wizards/x_wizard.ts': 'export class XWizard { run() { return "x" } }\n', 'wizards/x_wizard.config.yaml': 'size: small\n' })
    const before = p.registry.contexts.filter((entry) => entry.wizardId === 'x').at(-1)?.context.config
    p.write('wizards/x_wizard.config.yaml', `size: huge\nblob: "${'x'.repeat(2 * 1024 * 1024)}"\n`)
    await expect
      .poll(() => lastEvent(p.events, 'failed', 'x')?.error)
      .toMatchObject({
        kind: 'config',
        message: expect.stringMatching(/x_wizard\.config\.yaml is 2\.0 MB; config files are limited to 1 MB/),
        loc: { line: 1, column: 1 },
      })
    expect(p.registry.contexts.filter((entry) => entry.wizardId === 'x').at(-1)?.context.config).toEqual(before)
  })
})

describe('sizes are capped, whatever a schema or a file produces', () => {
  test('a schema issue with a 20 MB message: status, event, history and terminal carry a bounded one', async () => {
    const huge = { length: 20 * 1024 * 1024 }
    const schema = `{ '~standard': { version: 1, vendor: 'test', validate: () => ({ issues: [{ message: ${JSON.stringify('bad: ')} + 'z'.repeat(${huge.length}), path: ['x'] }] }) } }`
    const p = await start(
      {
        'wizards/x_wizard.ts': `export class XWizard { static configSchema = ${schema}; run() { return 'x' } }\n`,
        'wizards/x_wizard.config.json': '{ "x": 1 }',
      },
      { listen: true },
    )
    const failed = lastEvent(p.events, 'failed', 'x')
    expect(failed?.error.kind).toBe('config')
    expect(JSON.stringify(failed).length).toBeLessThan(16 * 1024)
    const status = await fetch(`http://127.0.0.1:${portOf(p.server.httpServer!)}/api/hot-reload/status`)
    expect((await status.text()).length).toBeLessThan(32 * 1024)
    expect(JSON.stringify(p.api.history('x')).length).toBeLessThan(16 * 1024)
    expect(Math.max(...p.logs.map((line) => line.length))).toBeLessThan(16 * 1024)
  })
})

describe('one save is one reload, whatever the events (config files)', () => {
  test('a bad config written by a shell redirect (truncate, then write) is reported once per save; a code + config burst registers once', async () => {
    const p = await start(
      {
        'wizards/x_wizard.ts': 'export class XWizard { run() { return "x" } }\n',
        'wizards/x_wizard.config.yaml': 'model: small\n',
        'template.yaml': 'model: small\nsteps: [a\n',
      },
      { plugin: { delay: 50 } },
    )
    const failures = () => p.events.filter((event) => event.type === 'failed').length
    for (let save = 1; save <= 10; save++) {
      await shell(p.root, `sed 's/small/s${save}/' template.yaml > wizards/x_wizard.config.yaml`)
      await expect.poll(failures).toBeGreaterThanOrEqual(save)
    }
    // A good save after them: every event of the bad ones came before its reload.
    await shell(p.root, `printf 'model: fixed\\n' > wizards/x_wizard.config.yaml`)
    await expect.poll(() => lastEvent(p.events, 'reloaded', 'x')?.reason).toBe('config')
    expect(failures()).toBe(10)

    const registers = p.registry.registerCount('x')
    for (let burst = 1; burst <= 15; burst++) {
      await shell(
        p.root,
        `printf 'export class XWizard { run() { return "c${burst}" } }\\n' > wizards/x_wizard.ts; printf 'model: m${burst}\\n' > wizards/x_wizard.config.yaml`,
      )
      await expect.poll(() => p.registry.run('x')).toBe(`c${burst}`)
    }
    await shell(p.root, `printf 'model: last\\n' > wizards/x_wizard.config.yaml`)
    await expect.poll(() => (p.registry.contexts.at(-1)?.context.config as { model?: string } | undefined)?.model).toBe('last')
    await p.api.idle()
    expect(p.registry.registerCount('x')).toBe(registers + 16)
  })
})
