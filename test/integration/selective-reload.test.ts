import { afterEach, describe, expect, test } from 'vitest'
import type { HotReloadStatus } from '../../client/protocol.ts'
import { BackendChild } from '../backends/backend-child.ts'
import { portOf } from '../reference-ws-client.ts'
import { lastEvent, startTempProject, type TempProject } from '../temp-project.ts'

/** Selective reload (`instances: 'patch'`): changed members go into the live class and the instances already running. */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

type Flow = { answers: string[]; step1(): string; step2(): string; step3?(): string; summary?: string }
type FlowClass = new () => Flow

/** A multi-step wizard: each step is a method; the answers so far live on the instance. */
const flow = ({ step2 = `'two'`, extra = '', head = '', field = '' } = {}) => `${head}
export class FlowWizard {
  answers: string[] = []${field}
  step1(): string {
    this.answers.push('one')
    return 'one'
  }
  step2(): string {
    this.answers.push(${step2})
    return ${step2}
  }${extra}
}
`

async function start(files: Record<string, string>, instances: 'patch' | 'replace' = 'patch') {
  return (project = await startTempProject({ files, plugin: { instances } }))
}
const liveClass = (p: TempProject) => p.registry.classes.get('flow') as unknown as FlowClass
const status = (p: TempProject) => (p.api.getStatus() as Extract<HotReloadStatus, { enabled: true }>).wizards.flow
const nextReload = async (p: TempProject, count: number) => expect.poll(() => p.events.filter((event) => event.type === 'reloaded').length).toBe(count)

describe('patch mode', () => {
  test('a changed method reaches the running instance, which keeps its answers; the class stays the same object; every report says which members', async () => {
    const p = await start({ 'wizards/flow_wizard.ts': flow() })
    const Live = liveClass(p)
    const session = new Live()
    session.step1()
    expect(session.step2()).toBe('two')

    p.write('wizards/flow_wizard.ts', flow({ step2: `'TWO'` }))
    await nextReload(p, 1)
    expect(liveClass(p)).toBe(Live)
    expect(session.step2()).toBe('TWO')
    expect(session.answers).toEqual(['one', 'two', 'TWO'])
    const event = lastEvent(p.events, 'reloaded', 'flow')!
    expect(event.patched).toEqual({ changed: ['step2'], added: [], removed: [] })
    expect(event.fallback).toBeUndefined()
    expect(event.version).toBe(2)
    expect(p.registry.contexts.at(-1)!.context.patch).toEqual({ changed: ['step2'], added: [], removed: [] })
    expect(status(p)).toMatchObject({ version: 2, last_patch: { changed: ['step2'] }, last_fallback: null })
    expect(p.api.history('flow').at(-1)).toMatchObject({ outcome: 'reloaded', patched: { changed: ['step2'] } })
    expect(p.logs.some((line) => line.includes('flow reloaded in') && line.includes('members: 1 patched — step2'))).toBe(true)
  })

  test('added and removed methods appear on and go from the live class', async () => {
    const p = await start({ 'wizards/flow_wizard.ts': flow({ extra: `\n  step3(): string {\n    return 'three'\n  }` }) })
    const session = new (liveClass(p))()
    expect(session.step3?.()).toBe('three')
    p.write('wizards/flow_wizard.ts', flow({ extra: `\n  get summary(): string {\n    return this.answers.join('+')\n  }` }))
    await nextReload(p, 1)
    expect(lastEvent(p.events, 'reloaded', 'flow')!.patched).toEqual({ changed: [], added: ['get summary'], removed: ['step3'] })
    expect(session.step3).toBeUndefined()
    session.step1()
    expect(session.summary).toBe('one')
  })

  test('comments and formatting only: no code change — nothing registered, no reload counted, but said', async () => {
    const p = await start({ 'wizards/flow_wizard.ts': flow() })
    const registers = p.registry.registerCount('flow')
    p.write('wizards/flow_wizard.ts', `// a note\n${flow().replace("return 'two'", "return    'two'   // the second step")}`)
    await nextReload(p, 1)
    expect(lastEvent(p.events, 'reloaded', 'flow')!.patched).toMatchObject({ noCodeChange: true })
    expect(p.registry.registerCount('flow')).toBe(registers)
    expect(status(p)).toMatchObject({ version: 1, reload_count: 0 })
    expect(p.logs.some((line) => line.includes('flow no code change'))).toBe(true)
  })

  test.each([
    [
      'private #members in a changed method',
      flow({ field: '\n  #secret = 1', step2: "'two' + this.#secret" }),
      flow({ field: '\n  #secret = 1', step2: "'2' + this.#secret" }),
      /#secret|private/,
    ],
    ['a changed field initializer (the new field the live instances lack is named)', flow(), flow({ field: '\n  started = Date.now()' }), /started/],
    ['an arrow-function field that changed', flow({ field: "\n  greet = () => 'hi'" }), flow({ field: "\n  greet = () => 'hello'" }), /greet/],
    [
      'a changed extends',
      flow(),
      flow({ head: 'class Base {}\n' }).replace('export class FlowWizard {', 'export class FlowWizard extends Base {'),
      /extends|parent/i,
    ],
  ])('falls back to replace, saying why: %s', async (_, before, after, why) => {
    const p = await start({ 'wizards/flow_wizard.ts': before })
    const Live = liveClass(p)
    p.write('wizards/flow_wizard.ts', after)
    await nextReload(p, 1)
    const event = lastEvent(p.events, 'reloaded', 'flow')!
    expect(event.patched).toBeUndefined()
    expect(event.fallback).toMatch(why)
    expect(liveClass(p)).not.toBe(Live)
    expect(status(p).last_fallback).toMatch(why)
    expect(p.logs.some((line) => line.includes('class replaced, not patched'))).toBe(true)
  })

  test('register refusing a patch changes nothing: the live class keeps its members', async () => {
    const p = await start({ 'wizards/flow_wizard.ts': flow() })
    const session = new (liveClass(p))()
    p.registry.behaviour = () => false
    p.write('wizards/flow_wizard.ts', flow({ step2: `'TWO'` }))
    await expect.poll(() => lastEvent(p.events, 'failed', 'flow')?.error.kind).toBe('register')
    expect(session.step2()).toBe('two')
    expect(status(p).version).toBe(1)
  })

  test('a changed helper reaches the unchanged methods too (they are defined anew from the new module)', async () => {
    const p = await start({
      'wizards/shared/label.ts': 'export const label = (s: string) => `[${s}]`\n',
      'wizards/flow_wizard.ts': flow({ head: "import { label } from './shared/label.ts'", step2: "label('two')" }),
    })
    const session = new (liveClass(p))()
    expect(session.step2()).toBe('[two]')
    p.write('wizards/shared/label.ts', 'export const label = (s: string) => `<${s}>`\n')
    await nextReload(p, 1)
    expect(session.step2()).toBe('<two>')
    expect(lastEvent(p.events, 'reloaded', 'flow')!.patched).toEqual({ changed: [], added: [], removed: [] })
  })

  test('rollback and undo re-patch the live class to that version’s members, transactionally', async () => {
    const p = await start({ 'wizards/flow_wizard.ts': flow() })
    const Live = liveClass(p)
    const session = new Live()
    p.write('wizards/flow_wizard.ts', flow({ step2: `'TWO'` }))
    await nextReload(p, 1)
    p.write('wizards/flow_wizard.ts', flow({ step2: `'II'` }))
    await nextReload(p, 2)
    expect(session.step2()).toBe('II')

    expect(await p.api.rollback('flow', 1)).toMatchObject({ ok: true, version: 1, pinned: true })
    expect(liveClass(p)).toBe(Live)
    expect(session.step2()).toBe('two')
    expect(await p.api.undo('flow')).toMatchObject({ ok: true, version: 3 })
    expect(session.step2()).toBe('II')

    p.registry.behaviour = () => false
    expect(await p.api.rollback('flow', 2)).toMatchObject({ ok: false })
    expect(session.step2()).toBe('II')
  })
})

describe('choosing', () => {
  test("a class's own static hotReload wins over the option, either way", async () => {
    const p = await start(
      {
        'wizards/flow_wizard.ts': flow({ field: "\n  static hotReload = 'patch'" }),
        'wizards/plain_wizard.ts': flow().replace('FlowWizard', 'PlainWizard'),
      },
      'replace',
    )
    const Flow = liveClass(p)
    const Plain = p.registry.classes.get('plain')
    p.write('wizards/flow_wizard.ts', flow({ field: "\n  static hotReload = 'patch'", step2: `'TWO'` }))
    p.write('wizards/plain_wizard.ts', flow({ step2: `'TWO'` }).replace('FlowWizard', 'PlainWizard'))
    await nextReload(p, 2)
    expect(liveClass(p)).toBe(Flow)
    expect(p.registry.classes.get('plain')).not.toBe(Plain)
    expect(lastEvent(p.events, 'reloaded', 'plain')!.patched).toBeUndefined()
  })

  test('replace (the default) registers a new class each time; running instances keep their code', async () => {
    const p = (project = await startTempProject({ files: { 'wizards/flow_wizard.ts': flow() } }))
    const Live = liveClass(p)
    const session = new Live()
    p.write('wizards/flow_wizard.ts', flow({ step2: `'TWO'` }))
    await nextReload(p, 1)
    expect(liveClass(p)).not.toBe(Live)
    expect(session.step2()).toBe('two')
    expect(lastEvent(p.events, 'reloaded', 'flow')!.patched).toBeUndefined()
    expect(status(p)).toMatchObject({ last_patch: null, last_fallback: null })
  })
})

test('a backend in its own process patches the same way: its running instance takes the new step, rollback takes it back', async () => {
  const p = (project = await startTempProject({ listen: true, files: { 'wizards/flow_wizard.ts': flow() }, plugin: { instances: 'patch' } }))
  const backend = BackendChild.spawn({ server: `http://127.0.0.1:${portOf(p.server.httpServer!)}`, name: 'api', root: p.root })
  try {
    expect(await backend.started).toEqual({ ok: true })
    await backend.keep('flow')
    expect(await backend.call('flow', 'step2')).toEqual({ output: 'two', sameClass: true })
    p.write('wizards/flow_wizard.ts', flow({ step2: `'TWO'` }))
    await expect.poll(async () => (await backend.state()).registrations.length).toBe(2)
    expect(lastEvent(p.events, 'reloaded', 'flow')).toMatchObject({ patched: { changed: ['step2'] }, backends: { ok: 1, total: 1 } })
    expect(await backend.call('flow', 'step2')).toEqual({ output: 'TWO', sameClass: true })
    expect(await p.api.rollback('flow', 1)).toMatchObject({ ok: true })
    await expect.poll(async () => (await backend.state()).registrations.length).toBe(3)
    expect(await backend.call('flow', 'step2')).toEqual({ output: 'two', sameClass: true })
  } finally {
    await backend.close()
  }
})
