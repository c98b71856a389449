import fs from 'node:fs'
import { afterEach, describe, expect, test } from 'vitest'
import { WIZARD_EVENTS, type WizardHistoryEntry, type WizardRolledBackPayload } from '../../client/protocol.ts'
import type { WizardReply } from '../../client/wire.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { ViteHmrClient } from '../vite-hmr-client.ts'

let project: TempProject | undefined
const sockets: Array<{ close(): void }> = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await project?.close()
  project = undefined
})

async function withVersions(outputs: string[], plugin = {}) {
  const p = (project = await startTempProject({ listen: true, files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', outputs[0]) }, plugin }))
  for (const output of outputs.slice(1)) {
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', output))
    await expect.poll(() => p.registry.run('debug')).toBe(output)
  }
  await p.api.idle()
  return p
}

describe('history', () => {
  test('every attempt with its version, outcome, timings and source hash — in the Node API and the status endpoint, without classes or source', async () => {
    const p = await withVersions(['v1', 'v2'])
    p.write('wizards/debug_wizard.ts', 'export class DebugWizard {')
    await expect.poll(() => p.api.history('debug').at(-1)?.outcome).toBe('failed')
    const history = p.api.history('debug')
    expect(history.map((entry) => [entry.attempt, entry.version, entry.outcome, entry.kind ?? null])).toEqual([
      [1, 1, 'loaded', null],
      [2, 2, 'reloaded', null],
      [3, null, 'failed', 'syntax'],
    ])
    expect(history[1]).toMatchObject({
      kept: true,
      file: p.path('wizards/debug_wizard.ts'),
      sourceHash: expect.stringMatching(/^[0-9a-f]{12}$/),
      phases: { loadMs: expect.any(Number) },
    })
    expect(history[1].durationMs).toBeGreaterThan(0)
    // A failure has its bar too: how long it waited and loaded before it failed.
    expect(history[2].phases).toEqual({ detectMs: expect.any(Number), loadMs: expect.any(Number), registerMs: 0, disposeMs: 0 })
    expect(history[2].phases!.loadMs).toBeGreaterThan(0)
    const status = (await (await fetch(`http://127.0.0.1:${portOf(p.server.httpServer!)}/api/hot-reload/status`)).json()) as {
      wizards: { debug: { history: WizardHistoryEntry[] } }
    }
    expect(status.wizards.debug.history).toEqual(history)
    expect(JSON.stringify(status)).not.toContain('return "v2"')
  })

  test('history: N keeps N attempts; 0 keeps none (and rollback has nothing to go back to)', async () => {
    const p = await withVersions(['v1', 'v2', 'v3', 'v4'], { history: 2 })
    expect(p.api.history('debug').map((entry) => entry.version)).toEqual([3, 4])
    expect(await p.api.rollback('debug', 1)).toEqual({ ok: false, wizardId: 'debug', version: 4, error: 'debug v1 is not kept in the history (kept: v3, v4)' })
    await p.close()
    const off = await withVersions(['v1', 'v2'], { history: 0 })
    expect(off.api.history('debug')).toEqual([])
    expect(await off.api.undo('debug')).toMatchObject({ ok: false })
  })
})

describe('rollback, undo, retry', () => {
  test('rollback registers the kept class again and pins the wizard; the next save unpins it and loads the file', async () => {
    const p = await withVersions(['v1', 'v2', 'v3'])
    const ws = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(p.server.httpServer!)}/ws/hot-reload`)
    sockets.push(ws)
    const rolledBack: WizardRolledBackPayload[] = []
    p.api.addSink({ rolledBack: (payload) => void rolledBack.push(payload) })
    const before = fs.readFileSync(p.path('wizards/debug_wizard.ts'), 'utf8')

    expect(await p.api.rollback('debug', 1)).toEqual({ ok: true, wizardId: 'debug', version: 1, pinned: true })
    expect(p.registry.run('debug')).toBe('v1')
    expect(p.registry.contexts.at(-1)!.context).toMatchObject({ version: 1, previous: expect.any(Function) })
    expect(fs.readFileSync(p.path('wizards/debug_wizard.ts'), 'utf8')).toBe(before)
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { version: 1, pinned_version: 1 } } })
    expect(rolledBack).toEqual([{ wizardId: 'debug', file: p.path('wizards/debug_wizard.ts'), version: 1, pinned: true, timestamp: expect.any(Number) }])
    expect(p.logs.some((line) => line.includes('debug rolled back to v1 — the file on disk is newer'))).toBe(true)
    await expect.poll(() => ws.of('wizard_rolled_back' as never)).toEqual([{ event: 'wizard_rolled_back', wizard_id: 'debug', version: 1, pinned: true }])
    expect(p.api.history('debug').at(-1)).toMatchObject({ outcome: 'rolled-back', version: 1 })
    // The version left behind is over: its signal is aborted; the one rolled back to has a live one.
    expect(p.registry.contexts.find((entry) => entry.context.version === 3)!.context.signal.aborted).toBe(true)
    expect(p.registry.contexts.at(-1)!.context.signal.aborted).toBe(false)

    // A save of its own file unpins it.
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v4'))
    await expect.poll(() => p.registry.run('debug')).toBe('v4')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { version: 4, pinned_version: null } } })
  })

  test('an event for the file with the content the rollback already saw keeps it pinned; a save of the same content unpins it', async () => {
    const p = await withVersions(['v1', 'v2'])
    expect(await p.api.rollback('debug', 1)).toMatchObject({ ok: true })
    const registers = p.registry.registerCount('debug')
    // Another event for the file as it was (its mode changed, not its content: no write, like a late
    // duplicate event of the last save — that one, same signature too, is the intake's unit test).
    const file = p.path('wizards/debug_wizard.ts')
    fs.chmodSync(file, 0o600)
    // A marker written after it is registered once this server processed both (the earlier event first).
    p.write('wizards/marker_wizard.ts', wizardSource('MarkerWizard', 'seen'))
    await expect.poll(() => p.registry.run('marker')).toBe('seen')
    await p.api.idle()
    expect(p.registry.run('debug')).toBe('v1')
    expect(p.registry.registerCount('debug')).toBe(registers)
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { version: 1, pinned_version: 1 } } })
    // A save with the very same content is still a save: it loads what is on disk.
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { pinned_version: null } } })
  })

  test('a pinned wizard stays as it is when a helper it imports changes', async () => {
    const wizard = (tag: string) => `import { suffix } from './_suffix.ts'\nexport class DebugWizard { run() { return '${tag}' + suffix } }\n`
    const p = (project = await startTempProject({ files: { 'wizards/_suffix.ts': "export const suffix = '!'\n", 'wizards/debug_wizard.ts': wizard('v1') } }))
    p.write('wizards/debug_wizard.ts', wizard('v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2!')
    await p.api.idle()
    await p.api.rollback('debug', 1)
    const registers = p.registry.registerCount('debug')
    p.write('wizards/_suffix.ts', "export const suffix = '?'\n")
    p.write('wizards/other_wizard.ts', `import { suffix } from './_suffix.ts'\nexport class OtherWizard { run() { return 'other' + suffix } }\n`)
    await expect.poll(() => p.registry.run('other')).toBe('other?')
    await p.api.idle()
    expect(p.registry.run('debug')).toBe('v1!')
    expect(p.registry.registerCount('debug')).toBe(registers)
  })

  test('rollback is transactional: when register refuses, nothing changes', async () => {
    const p = await withVersions(['v1', 'v2'], { registerTimeout: 300 })
    const calls = p.registry.calls.length
    p.registry.behaviour = () => false
    expect(await p.api.rollback('debug', 1)).toMatchObject({
      ok: false,
      wizardId: 'debug',
      error: 'register refused the rollback to v1: register("debug") returned false',
    })
    expect(p.registry.calls.length).toBe(calls + 1)
    expect(p.registry.run('debug')).toBe('v2')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { version: 2, pinned_version: null, last_error: null } } })
    expect(p.events.filter((event) => event.type === 'failed')).toEqual([])
    expect(p.registry.contexts.find((entry) => entry.context.version === 2)!.context.signal.aborted).toBe(false)
    // Nor when it throws (any value) or never answers within registerTimeout.
    p.registry.behaviour = () => {
      throw 42n
    }
    expect(await p.api.rollback('debug', 1)).toMatchObject({ ok: false, error: expect.stringMatching(/^register refused the rollback to v1: .*42n/) })
    p.registry.behaviour = () => new Promise<boolean>(() => {})
    expect(await p.api.rollback('debug', 1)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^register refused the rollback to v1: .*registerTimeout/),
    })
    p.registry.behaviour = () => true
    expect(p.registry.run('debug')).toBe('v2')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { version: 2, pinned_version: null, last_error: null } } })
    expect(p.registry.contexts.find((entry) => entry.context.version === 2)!.context.signal.aborted).toBe(false)
  })

  test('a removal is an attempt too: the history keeps it (outcome removed) and the status shows it while the file is back', async () => {
    const p = await withVersions(['v1'])
    p.remove('wizards/debug_wizard.ts')
    await expect.poll(() => p.api.history('debug').at(-1)?.outcome).toBe('removed')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'back'))
    await expect.poll(() => p.registry.run('debug')).toBe('back')
    await p.api.idle()
    expect(p.api.history('debug').map((entry) => entry.outcome)).toEqual(['loaded', 'removed', 'reloaded'])
    const status = p.api.getStatus() as { wizards: Record<string, { history: WizardHistoryEntry[] }> }
    expect(status.wizards.debug.history.map((entry) => entry.outcome)).toEqual(['loaded', 'removed', 'reloaded'])
  })

  test('undo returns to the version registered before (after a rollback: the one left); retry reloads the file', async () => {
    const p = await withVersions(['v1', 'v2', 'v3'])
    expect(await p.api.undo('debug')).toEqual({ ok: true, wizardId: 'debug', version: 2, pinned: true })
    expect(p.registry.run('debug')).toBe('v2')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { pinned_version: 2 } } })
    expect(await p.api.undo('debug')).toEqual({ ok: true, wizardId: 'debug', version: 3, pinned: false })
    expect(p.registry.run('debug')).toBe('v3')
    // v3 is what is on disk: back there, nothing is pinned and nothing claims the file is newer.
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { pinned_version: null } } })
    expect(p.logs.filter((line) => line.includes('debug back at v3 — what wizards/debug_wizard.ts on disk holds'))).toHaveLength(1)
    expect(p.logs.some((line) => line.includes('rolled back to v3'))).toBe(false)
    await p.api.rollback('debug', 1)
    expect(await p.api.retry('debug')).toEqual({ ok: true, wizardId: 'debug', version: 4, pinned: false })
    expect(p.registry.run('debug')).toBe('v3')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { pinned_version: null } } })
    expect(await p.api.rollback('nope', 1)).toEqual({ ok: false, wizardId: 'nope', version: null, error: 'no wizard "nope" is registered' })
    // One shape for the three: a retry that fails says so the same way (the version still registered, and why).
    p.write('wizards/debug_wizard.ts', 'export class DebugWizard {')
    await expect.poll(() => p.api.getStatus()).toMatchObject({ wizards: { debug: { last_error_kind: 'syntax' } } })
    expect(await p.api.retry('debug')).toMatchObject({ ok: false, wizardId: 'debug', version: 4, error: expect.stringContaining('SyntaxError') })
    expect(await p.api.rollback('debug', 99)).toMatchObject({ ok: false, error: expect.stringContaining('debug v99 is not kept in the history') })
  })
})

describe('requests from the page, over Vite’s HMR socket', () => {
  async function page(p: TempProject) {
    const client = await ViteHmrClient.connect(p.server)
    sockets.push(client)
    return { client, ask: (request: Record<string, unknown>) => client.ask(request) }
  }

  test('history, diff, rollback, undo and retry answer the page that asked', async () => {
    const p = await withVersions(['v1', 'v2'])
    const { client, ask } = await page(p)
    expect(await ask({ type: 'history', wizardId: 'debug' })).toMatchObject({ ok: true, result: [{ version: 1 }, { version: 2 }] })
    const diff = await ask({ type: 'diff', wizardId: 'debug', from: 1, to: 2 })
    expect(diff).toMatchObject({
      ok: true,
      result: { wizardId: 'debug', from: 1, to: 2, hunks: [{ lines: expect.arrayContaining(['-    return "v1"', '+    return "v2"']) }] },
    })
    expect(await ask({ type: 'rollback', wizardId: 'debug', version: 1 })).toEqual({
      id: expect.any(String),
      ok: true,
      result: { wizardId: 'debug', version: 1, pinned: true },
    })
    await expect.poll(() => client.custom<WizardRolledBackPayload>(WIZARD_EVENTS.rolledBack).map((event) => event.version)).toEqual([1])
    expect(await ask({ type: 'undo', wizardId: 'debug' })).toMatchObject({ ok: true, result: { version: 2 } })
    expect(await ask({ type: 'retry', wizardId: 'debug' })).toMatchObject({ ok: true, result: { wizardId: 'debug', version: 3, pinned: false } })
  })

  test("one wizard's requests run in the order they came: undo, retry, undo, retry ends as the last says (unpinned, the file's code)", async () => {
    const p = await withVersions(['v1', 'v2', 'v3'])
    const { client } = await page(p)
    const ids = ['q1', 'q2', 'q3', 'q4']
    ids.forEach((id, i) => client.send(WIZARD_EVENTS.request, { id, type: i % 2 === 0 ? 'undo' : 'retry', wizardId: 'debug' }))
    await expect.poll(() => client.custom<WizardReply>(WIZARD_EVENTS.reply).filter((reply) => ids.includes(reply.id)).length).toBe(4)
    expect(
      client
        .custom<WizardReply>(WIZARD_EVENTS.reply)
        .filter((reply) => ids.includes(reply.id))
        .map((reply) => [reply.id, reply.ok]),
    ).toEqual(ids.map((id) => [id, true]))
    await p.api.idle()
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { pinned_version: null } } })
    expect(p.registry.run('debug')).toBe('v3')
  })

  test('malformed or impossible requests get an error reply; nothing changes', async () => {
    const p = await withVersions(['v1', 'v2'])
    const { client, ask } = await page(p)
    const registers = p.registry.calls.length
    expect(await ask({ type: 'rollback', wizardId: 'debug' })).toMatchObject({ ok: false, error: '"version" must be a version number (an integer ≥ 1)' })
    expect(await ask({ type: 'rollback', wizardId: 'debug', version: 7 })).toMatchObject({ ok: false, error: expect.stringContaining('v7 is not kept') })
    expect(await ask({ type: 'rollback', wizardId: 'debug', version: 2 })).toMatchObject({ ok: false, error: 'debug v2 is the version registered now' })
    expect(await ask({ type: 'history', wizardId: 'ghost' })).toMatchObject({ ok: false, error: 'no wizard "ghost"' })
    expect(await ask({ type: 'retry', wizardId: 'ghost' })).toMatchObject({ ok: false, error: 'no wizard "ghost"' })
    expect(await ask({ type: 'undo', wizardId: 'ghost' })).toMatchObject({ ok: false, error: expect.stringContaining('no wizard "ghost"') })
    expect(await ask({ type: 'format-disk', wizardId: 'debug' })).toMatchObject({ ok: false, error: expect.stringContaining('unknown request type') })
    client.send(WIZARD_EVENTS.request, 'not even an object')
    await expect.poll(() => client.custom<WizardReply>(WIZARD_EVENTS.reply).some((reply) => reply.id === '' && !reply.ok)).toBe(true)
    expect(p.registry.calls.length).toBe(registers)
    expect(p.registry.run('debug')).toBe('v2')
  })

  test('the plain WebSocket endpoint takes no requests (it has no authentication)', async () => {
    const p = await withVersions(['v1', 'v2'])
    const ws = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(p.server.httpServer!)}/ws/hot-reload`)
    sockets.push(ws)
    ws.socket.send(JSON.stringify({ type: 'custom', event: WIZARD_EVENTS.request, data: { id: 'x', type: 'rollback', wizardId: 'debug', version: 1 } }))
    ws.socket.send(JSON.stringify({ id: 'y', type: 'rollback', wizardId: 'debug', version: 1 }))
    const registers = p.registry.calls.length
    ws.socket.send('ping')
    await expect.poll(() => ws.of('pong')).toHaveLength(1)
    await p.api.idle()
    expect(p.registry.run('debug')).toBe('v2')
    expect(p.registry.calls.length).toBe(registers)
    expect(p.api.history('debug').map((entry) => entry.outcome)).not.toContain('rolled-back')
  })
})
