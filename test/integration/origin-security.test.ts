import http from 'node:http'
import { afterEach, describe, expect, test } from 'vitest'
import { WIZARD_EVENTS } from '../../client/protocol.ts'
import { BACKEND_PATH } from '../../plugin/backend-link/protocol.ts'
import { freePort } from '../free-port.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { apiOf, middlewareModeProject, startTempProject, wizardSource, type TempProjectOptions } from '../temp-project.ts'
import { ViteHmrClient } from '../vite-hmr-client.ts'

/**
 * Issue #22: the panel's requests and the status endpoint answer only the dev server's own pages
 * (plugin/origins/own-origin.ts), and every plugin endpoint checks Host exactly as Vite does.
 * Real dev servers, real `ws` clients sending the headers a browser would.
 */
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const FOREIGN = 'http://127.0.0.1:9999'

async function withVersions(plugin: TempProjectOptions['plugin'] = {}, vite?: TempProjectOptions['vite']) {
  const p = await startTempProject({ listen: true, plugin, vite, files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } })
  cleanups.push(() => p.close())
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  await p.api.idle()
  return { ...p, port: portOf(p.server.httpServer!) }
}

async function page(connecting: Promise<ViteHmrClient>) {
  const client = await connecting
  cleanups.push(() => client.close())
  return { client, ask: (request: Record<string, unknown>) => client.ask(request) }
}

const EVERY_REQUEST = [
  { type: 'history', wizardId: 'debug' },
  { type: 'diff', wizardId: 'debug', from: 1, to: 2 },
  { type: 'rollback', wizardId: 'debug', version: 1 },
  { type: 'undo', wizardId: 'debug' },
  { type: 'retry', wizardId: 'debug' },
]

/** A GET with exactly these headers (fetch() will not send a custom Host). */
function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
  })
}

/** The HTTP status an upgrade to `path` gets (101 when it opens). */
async function upgradeStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  try {
    const client = await ReferenceClient.connect(`ws://127.0.0.1:${port}${path}`, { headers, handshakeTimeout: 5000 })
    client.close()
    return 101
  } catch (error) {
    const status = /HTTP (\d+)/.exec(String(error))?.[1]
    if (!status) throw error
    return Number(status)
  }
}

describe("panel requests over Vite's HMR socket", () => {
  test("a page on another localhost port, holding Vite's token, can neither act nor read; the dev server's own page can", async () => {
    const p = await withVersions()
    const registers = p.registry.calls.length
    // The attack: Vite lets the socket open (the token was readable from /@vite/client).
    const foreign = await page(ViteHmrClient.connect(p.server, { origin: FOREIGN }))
    for (const request of EVERY_REQUEST) {
      const refusal = `refused: a page on ${FOREIGN} is not one of this dev server's own pages`
      expect(await foreign.ask(request)).toEqual({ id: expect.any(String), ok: false, error: expect.stringContaining(refusal) })
    }
    await p.api.idle()
    expect(p.registry.calls.length).toBe(registers)
    expect(p.registry.run('debug')).toBe('v2')
    expect(p.api.history('debug').map((entry) => entry.outcome)).toEqual(['loaded', 'reloaded'])
    const warning = `a page on ${FOREIGN} is connected to Vite's HMR socket but is not one of the dev server's own pages`
    expect(p.logs.filter((line) => line.includes(warning))).toHaveLength(1)
    expect(p.logs.some((line) => line.includes('rolled back'))).toBe(false)

    const own = await page(ViteHmrClient.connect(p.server, { origin: `http://127.0.0.1:${p.port}` }))
    expect(await own.ask(EVERY_REQUEST[0])).toMatchObject({ ok: true, result: [{ version: 1 }, { version: 2 }] })
    expect(await own.ask(EVERY_REQUEST[1])).toMatchObject({ ok: true, result: { from: 1, to: 2 } })
    expect(await own.ask(EVERY_REQUEST[2])).toMatchObject({ ok: true, result: { version: 1, pinned: true } })
    expect(p.registry.run('debug')).toBe('v1')
    expect(await own.ask(EVERY_REQUEST[3])).toMatchObject({ ok: true, result: { version: 2 } })
    expect(await own.ask(EVERY_REQUEST[4])).toMatchObject({ ok: true, result: { version: 3, pinned: false } })
  })

  test("a page on another localhost port gets none of the plugin's events or state (code frames, paths); the own page gets them", async () => {
    const p = await withVersions()
    const foreign = (await page(ViteHmrClient.connect(p.server, { origin: FOREIGN }))).client
    const own = (await page(ViteHmrClient.connect(p.server, { origin: `http://127.0.0.1:${p.port}` }))).client
    for (const client of [foreign, own]) client.send(WIZARD_EVENTS.ready, {})
    await expect.poll(() => own.custom(WIZARD_EVENTS.state)).toHaveLength(1)
    p.write('wizards/debug_wizard.ts', 'export class DebugWizard {')
    await expect.poll(() => own.custom(WIZARD_EVENTS.failed)).toHaveLength(1)
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => own.custom(WIZARD_EVENTS.reloaded)).toHaveLength(1)
    // Vite's own messages still reach it (its "connected"): only the plugin's are withheld.
    expect(foreign.messages.map((message) => message.type)).toContain('connected')
    expect(foreign.messages.filter((message) => message.event?.startsWith('wizard-hot-reload:'))).toEqual([])
  })

  test('the own port under its other spellings, a client without Origin, trustedOrigins and server.origin are trusted; nothing else', async () => {
    const p = await withVersions({ trustedOrigins: [FOREIGN] }, { server: { host: '127.0.0.1', port: 0, origin: 'https://dev.example.test' } })
    const history = { type: 'history', wizardId: 'debug' }
    const trusted: Array<Record<string, string>> = [
      { origin: `http://localhost:${p.port}` },
      { origin: `http://[::1]:${p.port}` },
      {},
      { origin: FOREIGN },
      { origin: 'https://dev.example.test' },
    ]
    for (const headers of trusted) {
      expect(await (await page(ViteHmrClient.connect(p.server, headers))).ask(history), JSON.stringify(headers)).toMatchObject({ ok: true })
    }
    for (const origin of ['http://localhost:9998', 'http://127.0.0.1:9998', 'null', `http://dev.example.test:${p.port + 1}`]) {
      const reply = await (await page(ViteHmrClient.connect(p.server, { origin }))).ask(history)
      expect(reply, origin).toMatchObject({ ok: false, error: expect.stringContaining('refused') })
    }
  })

  test('HMR on a port of its own (server.hmr.port): the page is on the dev server’s port, the socket’s Host is not', async () => {
    const hmrPort = await freePort()
    const p = await withVersions({}, { server: { host: '127.0.0.1', port: 0, hmr: { port: hmrPort } } })
    const url = `ws://127.0.0.1:${hmrPort}/`
    const own = await page(ViteHmrClient.connectTo(url, p.server.config.webSocketToken, { origin: `http://127.0.0.1:${p.port}` }))
    expect(await own.ask({ type: 'history', wizardId: 'debug' })).toMatchObject({ ok: true })
    const foreign = await page(ViteHmrClient.connectTo(url, p.server.config.webSocketToken, { origin: FOREIGN }))
    expect(await foreign.ask({ type: 'history', wizardId: 'debug' })).toMatchObject({ ok: false })
  })

  test("middleware mode, HMR on its own port: the app's port is the dev server's once a request reached its middlewares", async () => {
    const hmrPort = await freePort()
    const { plugin, vite } = await middlewareModeProject({ hmr: { port: hmrPort } })
    const app = http.createServer(vite.middlewares)
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    cleanups.push(
      () => new Promise((resolve) => app.close(resolve)),
      () => app.closeAllConnections(),
      () => vite.close(),
    )
    await apiOf(plugin).ready
    const appOrigin = `http://127.0.0.1:${portOf(app)}`
    const tab = await page(ViteHmrClient.connectTo(`ws://127.0.0.1:${hmrPort}/`, vite.config.webSocketToken, { origin: appOrigin }))
    // Nothing was served from the app's port yet: nothing says it is the dev server's.
    expect(await tab.ask({ type: 'history', wizardId: 'debug' })).toMatchObject({ ok: false })
    expect((await get(portOf(app), '/@vite/client')).status).toBe(200)
    expect(await tab.ask({ type: 'history', wizardId: 'debug' })).toMatchObject({ ok: true, result: [{ version: 1 }] })
  })
})

describe('the status endpoint follows the same rule', () => {
  test("a page on another localhost port is refused with no CORS header (where Vite's default cors would grant one); own pages and curl read it", async () => {
    const p = await withVersions()
    const status = '/api/hot-reload/status'
    // What Vite's default server.cors does for such a page on Vite's own files: the reason the headers are replaced.
    expect((await get(p.port, '/@vite/client', { origin: FOREIGN })).headers['access-control-allow-origin']).toBe(FOREIGN)
    for (const origin of [FOREIGN, 'http://localhost:9999', 'null']) {
      const refused = await get(p.port, status, { origin })
      expect(refused.status, origin).toBe(403)
      expect(refused.headers['access-control-allow-origin']).toBeUndefined()
      expect(refused.body).not.toContain('debug_wizard')
    }
    const curl = await get(p.port, status)
    expect(curl.status).toBe(200)
    expect(JSON.parse(curl.body)).toMatchObject({ enabled: true, wizards: { debug: { version: 2 } } })
    expect(curl.headers['access-control-allow-origin']).toBeUndefined()
    expect(curl.headers['cross-origin-resource-policy']).toBe('same-origin')
    expect((await get(p.port, status, { origin: `http://127.0.0.1:${p.port}` })).status).toBe(200)
    const otherSpelling = await get(p.port, status, { origin: `http://localhost:${p.port}` })
    expect(otherSpelling.status).toBe(200)
    expect(otherSpelling.headers['access-control-allow-origin']).toBe(`http://localhost:${p.port}`)
  })

  test('trustedOrigins opens it to that origin only', async () => {
    const p = await withVersions({ trustedOrigins: [FOREIGN] })
    const granted = await get(p.port, '/api/hot-reload/status', { origin: FOREIGN })
    expect(granted.status).toBe(200)
    expect(granted.headers['access-control-allow-origin']).toBe(FOREIGN)
    expect((await get(p.port, '/api/hot-reload/status', { origin: 'http://127.0.0.1:9998' })).status).toBe(403)
  })
})

describe("the Host check is exactly Vite's", () => {
  test.each(['127.1', '0x7f000001', 'LOCALHOST'])('Host %s (with or without the port): 403 on every plugin endpoint, as on Vite’s own', async (spelling) => {
    const p = await withVersions()
    for (const host of [`${spelling}:${p.port}`, spelling]) {
      expect((await get(p.port, '/@vite/client', { host })).status, `Vite itself, Host ${host}`).toBe(403)
      expect((await get(p.port, '/api/hot-reload/status', { host })).status, `status, Host ${host}`).toBe(403)
      expect(await upgradeStatus(p.port, '/ws/hot-reload', { host }), `/ws/hot-reload, Host ${host}`).toBe(403)
      expect(await upgradeStatus(p.port, BACKEND_PATH, { host }), `backend endpoint, Host ${host}`).toBe(403)
    }
    // The spellings Vite allows pass the Host check on each (the backend endpoint then wants its nonce: 400).
    for (const host of [`127.0.0.1:${p.port}`, `localhost:${p.port}`]) {
      expect((await get(p.port, '/api/hot-reload/status', { host })).status, host).toBe(200)
      expect(await upgradeStatus(p.port, '/ws/hot-reload', { host }), host).toBe(101)
      expect(await upgradeStatus(p.port, BACKEND_PATH, { host }), host).toBe(400)
    }
  })
})
