import fs from 'node:fs'
import path from 'node:path'
import WebSocket, { WebSocketServer } from 'ws'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { EXTENSION_CLOSE, EXTENSION_PATH, type ExtensionOffer } from '../../client/extension-wire.ts'
import { WIZARD_EVENTS, type HotReloadStatus } from '../../client/protocol.ts'
import { createRequester } from '../../client/requests.ts'
import type { WizardReply } from '../../client/wire.ts'
import { WizardStore } from '../../client/wizard-store.ts'
import { PAIRINGS_FILE } from '../../plugin/extension-link/extension-pairings.ts'
import { EXTENSION_ORIGIN, extensionLink, offerFrom } from '../extension-client.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { ViteHmrClient } from '../vite-hmr-client.ts'

/**
 * The browser extension's endpoint (plugin/extension-link/) on real dev servers, spoken to by the
 * extension's own link code (extension/link/server-link.ts) over `ws` sockets that send what Chromium
 * sends: an offer from the panel's request, pairing, the snapshot and events, the panel's requests,
 * reconnection after a restart — and every refusal.
 */
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const FILES = { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'wizards/plan_wizard.ts': wizardSource('PlanWizard', 'plan') }

async function project(root?: string, port?: number): Promise<TempProject & { url: string }> {
  const p = await startTempProject({
    listen: true,
    root,
    files: root ? {} : FILES,
    vite: port ? { server: { host: '127.0.0.1', port, strictPort: true } } : undefined,
  })
  cleanups.push(() => (root ? p.stop() : p.close()))
  return { ...p, url: `http://127.0.0.1:${portOf(p.server.httpServer!)}` }
}

async function offer(p: { server: TempProject['server']; url: string }): Promise<ExtensionOffer> {
  const offered = await offerFrom(p.server, p.url)
  if ('ok' in offered) throw new Error(`no offer: ${offered.ok ? '' : offered.error}`)
  return offered
}

/** Pairs the extension's link through an offer, as the panel's button does; the link goes on connected. */
async function paired(p: { server: TempProject['server']; url: string }) {
  const grant = await offer(p)
  const extension = extensionLink(p.url, grant)
  cleanups.push(() => extension.link.stop())
  extension.link.ensure()
  await expect.poll(() => extension.link.status.state).toBe('connected')
  return { ...extension, grant }
}

const extensionsOf = (p: TempProject) => (p.api.getStatus() as Extract<HotReloadStatus, { enabled: true }>).extensions

/** How an upgrade to the extension endpoint ends: refused over HTTP, or opened and then closed with a code and reason. */
async function connectRaw(
  port: number,
  query: string,
  headers: Record<string, string>,
): Promise<{ http?: number; close?: number; reason?: string; frames: string[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${EXTENSION_PATH}?${query}`, { headers })
  const frames: string[] = []
  socket.on('message', (data) => frames.push(String(data)))
  return new Promise((resolve) => {
    socket.once('unexpected-response', (_req, res) => resolve({ http: res.statusCode, frames }))
    socket.once('close', (code, reason) => resolve({ close: code, reason: String(reason), frames }))
    socket.once('error', () => {})
  })
}

const NONCE = 'a'.repeat(32)

describe('pairing', () => {
  test('an own page gets a one-time offer; the extension pairs with it, and the secret never travels', async () => {
    const p = await project()
    const { link, frames, grant, paired: credentials } = await paired(p)
    expect(credentials).toEqual([{ pairingId: expect.stringMatching(/^[0-9a-f]{32}$/), secret: expect.stringMatching(/^[0-9a-f]{64}$/) }])
    const [{ secret }] = credentials
    // Neither the secret nor the offer's code it is derived from is in any frame, either way; before the
    // welcome the extension sent one frame only: its hello, after the dev server's proof.
    expect(frames.length).toBeGreaterThan(2)
    expect(frames.some((frame) => frame.text.includes(secret) || frame.text.includes(grant.code))).toBe(false)
    const welcome = frames.findIndex((frame) => frame.dir === 'in' && frame.text.includes('"welcome"'))
    expect(welcome).toBeGreaterThan(0)
    expect(frames.slice(0, welcome).filter((frame) => frame.dir === 'out')).toEqual([{ dir: 'out', text: expect.stringContaining('"hello"') }])
    expect(frames[0]).toMatchObject({ dir: 'in' })
    // The pairing survives restarts in the project's cache folder, readable by its owner only.
    const file = path.join(p.server.config.cacheDir, PAIRINGS_FILE)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ pairings: [{ id: credentials[0].pairingId, secret, origin: EXTENSION_ORIGIN }] })
    // …and never served, however it is asked for.
    const relative = path.relative(p.server.config.root, file).split(path.sep).join('/')
    for (const url of [`/${relative}`, `/${relative}?raw`, `/${relative}?import`, `/@fs${file}`, `/@fs${file}?raw`]) {
      const response = await fetch(`${p.url}${url}`)
      expect(await response.text(), url).not.toContain(secret)
      expect(response.status, url).toBeGreaterThanOrEqual(400)
    }
    expect(extensionsOf(p)).toEqual([{ origin: EXTENSION_ORIGIN, paired_at: expect.any(String), browser: 'Test 1', connected: true }])
    expect(p.logs.join('\n')).toContain(`browser extension paired (${EXTENSION_ORIGIN}, Test 1)`)
    link.stop()
    await expect.poll(() => extensionsOf(p)[0]?.connected).toBe(false)
  })

  test('an offer is good once; a page on another origin gets none', async () => {
    const p = await project()
    const once = await offer(p)
    const first = extensionLink(p.url, once)
    cleanups.push(() => first.link.stop())
    first.link.ensure()
    await expect.poll(() => first.link.status.state).toBe('connected')
    const again = extensionLink(p.url, once)
    cleanups.push(() => again.link.stop())
    again.link.ensure()
    await expect.poll(() => again.link.status).toMatchObject({ state: 'refused', detail: expect.stringContaining('no such pairing offer') })
    expect(again.paired).toEqual([])

    const foreign = (await offerFrom(p.server, p.url, { origin: 'http://127.0.0.1:9999' })) as WizardReply
    expect(foreign).toEqual({ id: 'offer', ok: false, error: expect.stringContaining('is not one of this dev server') })
  })
})

describe('a paired extension', () => {
  test('gets a snapshot when it says it is ready, then events; asks what the panel asks; cannot make offers', async () => {
    const p = await project()
    p.write('wizards/plan_wizard.ts', 'export class PlanWizard {')
    await expect.poll(() => p.api.getStatus()).toMatchObject({ wizards: { plan: { last_error: expect.any(String) } } })
    const { link } = await paired(p)
    // The page's own store, on the link as on `import.meta.hot`.
    const store = new WizardStore(link)
    await expect.poll(() => store.all.map((row) => `${row.wizardId}:${row.state}`)).toEqual(['debug:ok', 'plan:failed'])
    expect(store.get('plan')?.failure?.error.kind).toBe('syntax')

    p.write('wizards/plan_wizard.ts', wizardSource('PlanWizard', 'plan 2'))
    await expect.poll(() => store.get('plan')?.state).toBe('ok')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => store.get('debug')?.version).toBe(2)

    const requester = createRequester(link)
    cleanups.push(() => requester.close())
    await expect(requester.request({ type: 'undo', wizardId: 'debug' })).resolves.toEqual({ wizardId: 'debug', version: 1, pinned: true })
    expect(p.registry.run('debug')).toBe('v1')
    await expect(requester.request({ type: 'retry', wizardId: 'debug' })).resolves.toEqual({ wizardId: 'debug', version: 3, pinned: false })
    await expect(requester.request({ type: 'history', wizardId: 'debug' })).resolves.toHaveLength(4)
    await expect(requester.request({ type: 'rollback', wizardId: 'debug', version: 99 })).rejects.toThrow('debug v99 is not kept in the history')
    await expect(requester.request({ type: 'extension-offer' })).rejects.toThrow(
      'pairing offers are for the dev server’s own pages, not over the extension’s link',
    )
  })

  test('reconnects to the restarted dev server with its pairing and gets the truth there (a snapshot, not a replay)', async () => {
    const first = await project()
    const port = portOf(first.server.httpServer!)
    const { link, statuses } = await paired(first)
    const store = new WizardStore(link)
    await expect.poll(() => store.all.length).toBe(2)
    const root = first.root
    await first.stop()
    await expect.poll(() => link.status.state).toBe('unreachable')
    // Broken while the dev server was down: the restarted one fails to load it at start.
    fs.writeFileSync(path.join(root, 'wizards/plan_wizard.ts'), 'export class PlanWizard {')
    const second = await project(root, port)
    await expect.poll(() => link.status.state, { timeout: 15_000 }).toBe('connected')
    await expect.poll(() => store.get('plan')?.state).toBe('failed')
    expect(store.failures).toHaveLength(1)
    expect(statuses.map((status) => status.state)).toEqual(['connected', 'unreachable', 'connected'])
    expect(extensionsOf(second)).toMatchObject([{ origin: EXTENSION_ORIGIN, connected: true }])
    fs.rmSync(root, { recursive: true, force: true })
  })

  test('unpairing drops the pairing on the dev server: the old credential is refused afterwards', async () => {
    const p = await project()
    const { link, paired: credentials } = await paired(p)
    link.unpair()
    await expect.poll(() => extensionsOf(p)).toEqual([])
    const stale = extensionLink(p.url, credentials[0])
    cleanups.push(() => stale.link.stop())
    stale.link.ensure()
    await expect.poll(() => stale.link.status).toMatchObject({ state: 'refused', detail: expect.stringContaining('not paired') })
  })

  test('a pairings file that cannot be written (a full or read-only disk) is a problem said in the terminal, never a crash', async () => {
    const p = await project()
    const { link } = await paired(p)
    const pairingsFile = path.join(p.server.config.cacheDir, PAIRINGS_FILE)
    // (Root ignores file modes, and a test has no portable read-only disk: the write fails as a full disk makes it fail.)
    const realRename = fs.renameSync.bind(fs)
    const rename = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to) === pairingsFile) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      realRename(from, to)
    })
    cleanups.push(() => rename.mockRestore())
    link.unpair()
    await expect.poll(() => p.logs.some((line) => line.includes("could not forget the browser extension's pairing") && line.includes('ENOSPC'))).toBe(true)
    rename.mockRestore()
    // The dev server goes on; no draft is left behind; the pairing is still on file (it could not be forgotten).
    expect(fs.readdirSync(path.dirname(pairingsFile)).filter((name) => name.startsWith('extension-pairings.json.'))).toEqual([])
    expect(extensionsOf(p)).toHaveLength(1)
    expect(await (await fetch(`${p.url}/`)).text()).toBeTruthy()
  })
})

describe('refusals', () => {
  test('no page, no tool, no Host the dev server does not answer to; an extension only with its own pairing', async () => {
    const p = await project()
    const port = portOf(p.server.httpServer!)
    const { paired: credentials } = await paired(p)
    const { pairingId } = credentials[0]
    const host = { host: `127.0.0.1:${port}` }
    const query = `v=1&nonce=${NONCE}&pairing=${pairingId}`

    // HTTP refusals: the socket never opens.
    expect(await connectRaw(port, query, { ...host, origin: 'http://127.0.0.1:9999' })).toMatchObject({ http: 403 })
    expect(await connectRaw(port, query, { ...host, origin: `http://127.0.0.1:${port}` })).toMatchObject({ http: 403 })
    expect(await connectRaw(port, query, host)).toMatchObject({ http: 403 })
    expect(await connectRaw(port, query, { host: 'evil.example', origin: EXTENSION_ORIGIN })).toMatchObject({ http: 403 })

    // An extension origin: closed at once with a reason it can show; no challenge, so nothing to learn.
    const other = 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba'
    for (const [origin, q] of [
      [other, query], // this pairing is another extension's
      [EXTENSION_ORIGIN, `v=1&nonce=${NONCE}&pairing=${'0'.repeat(32)}`],
      [EXTENSION_ORIGIN, `v=1&nonce=${NONCE}&offer=${'0'.repeat(32)}`],
    ]) {
      expect(await connectRaw(port, q, { ...host, origin })).toEqual({
        close: EXTENSION_CLOSE.notPaired,
        reason: expect.stringMatching(/not paired|no such pairing offer/),
        frames: [],
      })
    }
    expect(await connectRaw(port, `v=9&nonce=${NONCE}&pairing=${pairingId}`, { ...host, origin: EXTENSION_ORIGIN })).toMatchObject({
      close: EXTENSION_CLOSE.badRequest,
      reason: expect.stringContaining('speaks extension protocol 1, the extension 9'),
    })

    // The right pairing id and origin without the secret: the challenge comes, a wrong hello is refused.
    const guess = extensionLink(p.url, { pairingId, secret: 'f'.repeat(64) })
    cleanups.push(() => guess.link.stop())
    guess.link.ensure()
    await expect.poll(() => guess.link.status.state).toBe('refused')
    expect(guess.link.status.detail).toContain('is not the paired dev server')
    expect(guess.frames.filter((frame) => frame.dir === 'out')).toEqual([])
  })

  test('the reference WebSocket endpoint refuses an extension origin even when server.cors allows every origin', async () => {
    const p = await startTempProject({ listen: true, files: FILES, vite: { server: { host: '127.0.0.1', port: 0, cors: true } } })
    cleanups.push(() => p.close())
    const port = portOf(p.server.httpServer!)
    await expect(ReferenceClient.connect(`ws://127.0.0.1:${port}/ws/hot-reload`, { headers: { origin: EXTENSION_ORIGIN } })).rejects.toThrow('HTTP 403')
    const page = await ReferenceClient.connect(`ws://127.0.0.1:${port}/ws/hot-reload`, { headers: { origin: 'https://any.example' } })
    page.close()
  })

  test('the extension does not talk to an impostor on the paired port: it proves nothing, so the extension sends nothing', async () => {
    const p = await project()
    const port = portOf(p.server.httpServer!)
    const { link, paired: credentials } = await paired(p)
    link.stop()
    await p.stop()
    // Something else took the port while the dev server was down (and challenges like one, without the secret).
    const impostor = new WebSocketServer({ port, host: '127.0.0.1' })
    cleanups.push(() => new Promise((resolve) => impostor.close(resolve)))
    const heard: string[] = []
    impostor.on('connection', (socket) => {
      socket.on('message', (data) => heard.push(String(data)))
      socket.send(JSON.stringify({ type: 'challenge', protocol: 1, nonce: 'b'.repeat(32), proof: 'c'.repeat(64), heartbeatMs: 15000 }))
    })
    const fooled = extensionLink(p.url, credentials[0])
    cleanups.push(() => fooled.link.stop())
    fooled.link.ensure()
    await expect.poll(() => fooled.link.status).toMatchObject({ state: 'refused', detail: expect.stringContaining('could not prove it holds the pairing') })
    expect(heard).toEqual([])
  })
})

test('an own page asks for the offer over the same validated request path, and gets a fresh one each time', async () => {
  const p = await project()
  const page = await ViteHmrClient.connect(p.server)
  cleanups.push(() => page.close())
  page.send(WIZARD_EVENTS.request, { id: '1', type: 'extension-offer' })
  page.send(WIZARD_EVENTS.request, { id: '2', type: 'extension-offer' })
  await expect.poll(() => page.custom<WizardReply>(WIZARD_EVENTS.reply).length).toBe(2)
  const [a, b] = page.custom<WizardReply & { ok: true; result: ExtensionOffer }>(WIZARD_EVENTS.reply)
  expect(a.result.offerId).not.toBe(b.result.offerId)
  expect(a.result.expiresAt - Date.now()).toBeGreaterThan(100_000)
})
