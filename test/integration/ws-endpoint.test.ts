import http from 'node:http'
import net from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { createServer } from 'vite'
import { attachWizardHotReload, wizardHotReload, type WizardHotReloadApi } from '../../plugin/plugin.ts'
import { ReferenceWebSocketEndpoint } from '../../plugin/notify/ws-endpoint.ts'
import { portOf, ReferenceClient } from '../reference-ws-client.ts'
import { ViteHmrClient } from '../vite-hmr-client.ts'
import { makeTempDir, middlewareModeProject, startTempProject, wizardSource, writeFiles, type TempProject } from '../temp-project.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startProject(extra: Parameters<typeof startTempProject>[0]['plugin'] = {}, vite: Parameters<typeof startTempProject>[0]['vite'] = undefined) {
  const project = await startTempProject({
    listen: true,
    plugin: extra,
    vite,
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'wizards/gone_wizard.ts': wizardSource('GoneWizard', 'x') },
  })
  cleanups.push(() => project.close())
  return project
}

async function client(project: TempProject, options: Parameters<typeof ReferenceClient.connect>[1] = {}, path = '/ws/hot-reload') {
  const c = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(project.server.httpServer!)}${path}`, options)
  cleanups.push(() => c.close())
  return c
}

describe('reference protocol over a real socket', () => {
  test('greeting with the connection count, every event after real edits, ping → pong', async () => {
    const p = await startProject()
    const first = await client(p)
    await expect.poll(() => first.messages).toEqual([{ event: 'connected', message: 'Hot-reload notifications enabled', active_connections: 1 }])
    const second = await client(p)
    await expect.poll(() => second.of('connected')[0]?.active_connections).toBe(2)

    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect
      .poll(() => first.of('wizard_reloaded'))
      .toEqual([
        {
          event: 'wizard_reloaded',
          wizard_id: 'debug',
          success: true,
          reload_count: 1,
          wizard_reload_count: 1,
          duration_ms: expect.any(Number),
          reason: 'code',
        },
      ])

    p.write('wizards/debug_wizard.ts', 'export class DebugWizard {')
    await expect
      .poll(() => first.of('wizard_reload_failed'))
      .toEqual([{ event: 'wizard_reload_failed', wizard_id: 'debug', success: false, error: expect.stringMatching(/^SyntaxError: /), kind: 'syntax' }])

    p.remove('wizards/gone_wizard.ts')
    await expect.poll(() => first.of('wizard_removed')).toEqual([{ event: 'wizard_removed', wizard_id: 'gone' }])
    await expect.poll(() => second.messages.map((m) => m.event)).toEqual(['connected', 'wizard_reloaded', 'wizard_reload_failed', 'wizard_removed'])

    first.socket.send('ping')
    await expect.poll(() => first.of('pong')).toEqual([{ event: 'pong' }])
    expect(second.of('pong')).toEqual([])

    first.close()
    await expect.poll(() => p.api.getStatus()).toMatchObject({ websocket_connections: 1 })
  })

  test('200 concurrent clients all receive one event', async () => {
    const p = await startProject()
    const clients = await Promise.all(Array.from({ length: 200 }, () => client(p)))
    await expect.poll(() => p.api.getStatus()).toMatchObject({ websocket_connections: 200 })
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => clients.filter((c) => c.of('wizard_reloaded').length === 1).length).toBe(200)
  })

  test('garbage, binary and oversized frames never crash the endpoint', async () => {
    const p = await startProject()
    const noisy = await client(p)
    noisy.socket.send(Buffer.from([0, 1, 2, 255]))
    noisy.socket.send('{"event":')
    noisy.socket.send('{"event":"ping"}')
    await expect.poll(() => noisy.of('pong')).toHaveLength(1)

    const oversized = await client(p)
    oversized.socket.send('x'.repeat(128 * 1024))
    await expect.poll(() => oversized.closeCode).toBe(1009)

    const healthy = await client(p)
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => [noisy.of('wizard_reloaded').length, healthy.of('wizard_reloaded').length]).toEqual([1, 1])
  })

  test("Vite's own HMR socket keeps working next to it", async () => {
    const p = await startProject()
    await client(p)
    const hmr = await ViteHmrClient.connect(p.server)
    cleanups.push(() => hmr.close())
    await expect.poll(() => hmr.messages.map((m) => m.type)).toContain('connected')
  })

  test('HOT_RELOAD_WS_PATH moves the endpoint', async () => {
    const p = await startTempProject({
      listen: true,
      env: { HOT_RELOAD_WS_PATH: '/hot' },
      files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    })
    cleanups.push(() => p.close())
    const c = await client(p, {}, '/hot')
    await expect.poll(() => c.of('connected')).toHaveLength(1)
    expect(p.api.getStatus()).toMatchObject({ websocket_path: '/hot' })
  })
})

describe("Vite's dev-server rules", () => {
  test('a browser from a foreign origin is refused; the page origin and localhost origins are allowed', async () => {
    const p = await startProject()
    const port = portOf(p.server.httpServer!)
    await expect(client(p, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(client(p, { origin: `http://127.0.0.1:${port}` })).resolves.toBeInstanceOf(ReferenceClient)
    await expect(client(p, { origin: 'http://localhost:5173' })).resolves.toBeInstanceOf(ReferenceClient)
  })

  test('server.cors decides other origins', async () => {
    const p = await startProject({}, { server: { host: '127.0.0.1', port: 0, cors: { origin: ['https://app.example'] } } })
    await expect(client(p, { origin: 'https://app.example' })).resolves.toBeInstanceOf(ReferenceClient)
    await expect(client(p, { origin: 'http://localhost:5173' })).rejects.toThrow('HTTP 403')
  })

  test('a Host not in server.allowedHosts is refused, for the socket and the status endpoint', async () => {
    const p = await startProject({}, { server: { host: '127.0.0.1', port: 0, allowedHosts: ['.wizards.test'] } })
    await expect(client(p, { headers: { host: 'evil.example' } })).rejects.toThrow('HTTP 403')
    await expect(client(p, { headers: { host: 'api.wizards.test' } })).resolves.toBeInstanceOf(ReferenceClient)
    const refused = await fetchStatus(p, { host: 'evil.example' })
    expect(refused.status).toBe(403)
    expect((await fetchStatus(p, { host: 'api.wizards.test' })).status).toBe(200)
  })
})

describe('slow and dead clients', () => {
  test('a client that never reads is dropped instead of holding back the others', async () => {
    const httpServer = http.createServer()
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    const endpoint = new ReferenceWebSocketEndpoint({ path: '/ws', allowedHosts: [], cors: false, getReloadCount: () => 0, maxBufferedBytes: 64 * 1024 })
    endpoint.attach(httpServer)
    cleanups.push(
      () => new Promise((resolve) => httpServer.close(resolve)),
      () => httpServer.closeAllConnections(),
      () => endpoint.close(),
    )

    const url = `ws://127.0.0.1:${portOf(httpServer)}/ws`
    const stuck = await ReferenceClient.connect(url)
    const healthy = await ReferenceClient.connect(url)
    cleanups.push(
      () => stuck.close(),
      () => healthy.close(),
    )
    await expect.poll(() => endpoint.connectionCount).toBe(2)
    // Stop reading at the TCP level: the kernel buffers fill, then the server's send buffer grows.
    ;(stuck.socket as unknown as { _socket: net.Socket })._socket.pause()

    const error = { kind: 'evaluate' as const, message: 'e'.repeat(8 * 1024) }
    // Events come from reloads, spread over event-loop turns; so do these (the healthy client reads in between).
    for (let i = 0; i < 1500; i++) {
      endpoint.failed({ wizardId: `w${i}`, file: '/x', timestamp: i, error })
      if (i % 4 === 3) await new Promise((resolve) => setImmediate(resolve))
    }
    await expect.poll(() => healthy.of('wizard_reload_failed').length).toBe(1500)
    await expect.poll(() => endpoint.connectionCount).toBe(1)
  })

  test('a peer that stops answering pings is dropped by the heartbeat', async () => {
    const httpServer = http.createServer()
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    const endpoint = new ReferenceWebSocketEndpoint({ path: '/ws', allowedHosts: [], cors: false, getReloadCount: () => 0, heartbeatMs: 250 })
    endpoint.attach(httpServer)
    cleanups.push(
      () => new Promise((resolve) => httpServer.close(resolve)),
      () => httpServer.closeAllConnections(),
      () => endpoint.close(),
    )
    // autoPong: false makes this client a peer that is gone without closing.
    const silent = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(httpServer)}/ws`, { autoPong: false })
    const alive = await ReferenceClient.connect(`ws://127.0.0.1:${portOf(httpServer)}/ws`)
    cleanups.push(
      () => silent.close(),
      () => alive.close(),
    )
    await expect.poll(() => silent.closeCode).toBe(1006)
    expect(alive.closeCode).toBeUndefined()
    expect(endpoint.connectionCount).toBe(1)
  })
})

describe('middleware mode', () => {
  async function middlewareApp(configureHmrServer: boolean) {
    const httpServer = http.createServer()
    const { root, registry, plugin, vite } = await middlewareModeProject({
      hmr: configureHmrServer ? { server: httpServer } : false,
      ws: configureHmrServer ? undefined : false,
    })
    httpServer.on('request', vite.middlewares)
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    await (plugin as unknown as { api: WizardHotReloadApi }).api.ready
    cleanups.push(async () => {
      await vite.close()
      httpServer.closeAllConnections()
      await new Promise((resolve) => httpServer.close(resolve))
    })
    return { root, vite, httpServer, registry, url: `ws://127.0.0.1:${portOf(httpServer)}/ws/hot-reload` }
  }

  test('attachWizardHotReload(vite, httpServer) serves the endpoint on a plain node:http server', async () => {
    const app = await middlewareApp(false)
    attachWizardHotReload(app.vite, app.httpServer)
    const c = await ReferenceClient.connect(app.url)
    cleanups.push(() => c.close())
    await expect.poll(() => c.of('connected')).toHaveLength(1)
    writeFiles(app.root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v2') })
    await expect.poll(() => c.of('wizard_reloaded')).toHaveLength(1)
    const status = await fetch(`http://127.0.0.1:${portOf(app.httpServer)}/api/hot-reload/status`)
    expect(await status.json()).toMatchObject({ enabled: true, websocket_connections: 1, reload_count: 1 })
  })

  test('with Vite’s own server.hmr.server set, the endpoint is attached there automatically', async () => {
    const app = await middlewareApp(true)
    const c = await ReferenceClient.connect(app.url)
    cleanups.push(() => c.close())
    await expect.poll(() => c.of('connected')).toHaveLength(1)
  })

  test('attachWizardHotReload names the missing plugin', async () => {
    const vite = await createServer({ root: makeTempDir(), configFile: false, logLevel: 'silent', server: { middlewareMode: true, hmr: false, ws: false } })
    cleanups.push(() => vite.close())
    expect(() => attachWizardHotReload(vite, http.createServer())).toThrow('the dev server has no vite-plugin-wizard-hot-reload plugin')
  })
})

describe('status endpoint', () => {
  test('reports the contract fields, per-wizard state included; no CORS header for a client without Origin; GET only', async () => {
    const p = await startProject()
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    p.write('wizards/gone_wizard.ts', 'export class GoneWizard {')
    await expect.poll(() => p.api.getStatus()).toMatchObject({ wizards: { gone: { last_error: expect.any(String) } } })

    // (Which browser pages may read it: test/integration/origin-security.test.ts.)
    const response = await fetchStatus(p)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const status = (await response.json()) as { wizards: { gone: { last_error: string } } }
    expect(status).toEqual({
      enabled: true,
      running: true,
      watch_dirs: [p.path('wizards')],
      delay_ms: 10,
      polling_ms: null,
      registry: null,
      reload_count: 1,
      websocket_connections: 0,
      websocket_path: '/ws/hot-reload',
      last_error: null,
      last_error_at: null,
      backends: [],
      extensions: [],
      wizards: {
        debug: {
          file: p.path('wizards/debug_wizard.ts'),
          version: 2,
          reload_count: 1,
          last_reload: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          last_error: null,
          last_error_kind: null,
          last_error_loc: null,
          last_error_frame: null,
          last_phases: { detectMs: expect.any(Number), loadMs: expect.any(Number), registerMs: expect.any(Number), disposeMs: expect.any(Number) },
          last_patch: null,
          last_fallback: null,
          live_versions: null,
          pinned_version: null,
          config_file: null,
          config_hash: null,
          history: [
            expect.objectContaining({ attempt: 1, version: 1, outcome: 'loaded' }),
            expect.objectContaining({ attempt: 2, version: 2, outcome: 'reloaded' }),
          ],
        },
        gone: {
          file: p.path('wizards/gone_wizard.ts'),
          version: 1,
          reload_count: 0,
          last_reload: expect.any(String),
          last_error: expect.stringMatching(/^SyntaxError/),
          last_error_kind: 'syntax',
          last_error_loc: expect.objectContaining({ line: 1 }),
          last_error_frame: expect.stringContaining('> 1 |'),
          last_phases: expect.objectContaining({ detectMs: 0 }),
          last_patch: null,
          last_fallback: null,
          live_versions: null,
          pinned_version: null,
          config_file: null,
          config_hash: null,
          history: [expect.objectContaining({ outcome: 'loaded' }), expect.objectContaining({ outcome: 'failed', kind: 'syntax' })],
        },
      },
    })
    expect(status.wizards.gone.last_error).not.toMatch(/\u001b/)
    expect((await fetch(`http://127.0.0.1:${portOf(p.server.httpServer!)}/api/hot-reload/status`, { method: 'POST' })).status).toBe(405)
  })

  test('disabled: {"enabled": false} and no WebSocket endpoint', async () => {
    const root = makeTempDir()
    const vite = await createServer({
      root,
      configFile: false,
      envDir: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
      plugins: [wizardHotReload({ enabled: false })],
    })
    await vite.listen()
    cleanups.push(() => vite.close())
    const port = portOf(vite.httpServer!)
    expect(await (await fetch(`http://127.0.0.1:${port}/api/hot-reload/status`)).json()).toEqual({ enabled: false })
    await expect(ReferenceClient.connect(`ws://127.0.0.1:${port}/ws/hot-reload`, { handshakeTimeout: 5000 })).rejects.toThrow('HTTP 404')
  })

  test('disabled, middleware mode: a server attached after the dev server started answers the path with 404 too', async () => {
    const root = makeTempDir()
    const plugin = wizardHotReload({ enabled: false })
    const vite = await createServer({
      root,
      configFile: false,
      envDir: false,
      logLevel: 'silent',
      appType: 'custom',
      server: { middlewareMode: true, hmr: false, ws: false },
      plugins: [plugin],
    })
    const httpServer = http.createServer(vite.middlewares)
    // The app's own WebSocket on another path: with any upgrade listener, Node no longer answers an upgrade by itself.
    httpServer.on('upgrade', (req, socket) => {
      if (req.url === '/app-socket') socket.destroy()
    })
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    cleanups.push(async () => {
      httpServer.closeAllConnections()
      await vite.close()
      await new Promise((resolve) => httpServer.close(resolve))
    })
    attachWizardHotReload(vite, httpServer)
    await expect(ReferenceClient.connect(`ws://127.0.0.1:${portOf(httpServer)}/ws/hot-reload`, { handshakeTimeout: 5000 })).rejects.toThrow('HTTP 404')
  })
})

async function fetchStatus(p: TempProject, headers: Record<string, string> = {}) {
  // fetch() will not send a custom Host header; use node:http for full control.
  const port = portOf(p.server.httpServer!)
  return new Promise<{ status: number; headers: Map<string, string>; json(): Promise<unknown> } & { headers: { get(name: string): string | null } }>(
    (resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/hot-reload/status', headers }, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: Object.assign(new Map(), { get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null }),
            json: async () => JSON.parse(body),
          }),
        )
      })
      req.on('error', reject)
    },
  )
}
