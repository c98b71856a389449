import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { WizardReloadedPayload } from '../../client/protocol.ts'
import { BACKEND_NONCE_HEADER, BACKEND_PATH, BACKEND_PROTOCOL_VERSION, TOKEN_FILE } from '../../plugin/backend-link/protocol.ts'
import { challengeBound, newNonce, proofOf, sessionKey } from '../../plugin/backend-link/token.ts'
import { BackendChild } from '../backends/backend-child.ts'
import { freePort } from '../free-port.ts'
import { portOf } from '../reference-ws-client.ts'
import { lastEvent, makeTempDir, startTempProject, wizardSource, writeFiles, type TempProject, type TempProjectOptions } from '../temp-project.ts'

const projects: TempProject[] = []
const children: BackendChild[] = []
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.close()))
  for (const project of projects.splice(0)) await project.close()
})

async function devServer(options: Partial<TempProjectOptions> = {}) {
  const p = await startTempProject({
    listen: true,
    files: {
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/report_wizard.ts': "import { tag } from './_tag.ts'\nexport class ReportWizard { run() { return 'report ' + tag } }\n",
      'wizards/_tag.ts': "export const tag = 'one'\n",
    },
    ...options,
  })
  projects.push(p)
  return p
}
const urlOf = (p: TempProject) => `http://127.0.0.1:${portOf(p.server.httpServer!)}`

async function backend(p: TempProject, name: string, extra: { refuse?: string; token?: string; root?: string } = {}) {
  const child = BackendChild.spawn({ server: urlOf(p), name, root: extra.root ?? p.root, refuse: extra.refuse, token: extra.token })
  children.push(child)
  const started = await child.started
  if (!started.ok) throw new Error(`backend ${name} did not start: ${started.message}`)
  return child
}
type Frame = { type: string; id?: number; nonce?: string; result?: { error?: { message?: string }; result?: unknown } }
/** The frame signature of the protocol, written out independently (role, count, text under the session key). */
const signed = (key: Buffer, role: string, n: number, text: string) => createHmac('sha256', key).update(`${role}\0${n}\0`).update(text).digest('hex') + text
/**
 * A hand-made backend client: the handshake done right (its proof over both nonces), then frames
 * signed as the protocol says — or, with `sendUnsigned`, not.
 */
async function rawBackend(p: TempProject, token: string) {
  const nonce = newNonce()
  const socket = new WebSocket(`ws://127.0.0.1:${portOf(p.server.httpServer!)}${BACKEND_PATH}`, { headers: { [BACKEND_NONCE_HEADER]: nonce } })
  const answers: Frame[] = []
  let key: Buffer | undefined
  socket.on('message', (data) => answers.push(JSON.parse(key ? String(data).slice(64) : String(data))))
  await expect.poll(() => answers.some((answer) => answer.type === 'challenge')).toBe(true)
  const challenge = answers.find((answer) => answer.type === 'challenge')!
  socket.send(JSON.stringify({ type: 'hello', protocol: BACKEND_PROTOCOL_VERSION, proof: proofOf(token, 'backend', nonce, challenge.nonce!) }))
  key = sessionKey(token, nonce, challenge.nonce!)
  await expect.poll(() => answers.some((answer) => answer.type === 'welcome')).toBe(true)
  let sent = 0
  return { socket, answers, send: (text: string) => socket.send(signed(key!, 'backend', sent++, text)), sendUnsigned: (text: string) => socket.send(text) }
}
const reloads = (p: TempProject, wizardId: string) =>
  p.events.filter((event) => event.type === 'reloaded' && event.payload.wizardId === wizardId).map((event) => event.payload as WizardReloadedPayload)

describe('backends in their own processes', () => {
  test('two backends load every wizard through their own runners; an edit reaches both, and one event says so', async () => {
    const p = await devServer()
    const [api, worker] = await Promise.all([backend(p, 'api'), backend(p, 'worker')])
    for (const child of [api, worker]) {
      expect(await child.run('debug')).toMatchObject({ output: 'v1', version: 1 })
      expect(await child.run('report')).toMatchObject({ output: 'report one' })
    }
    await expect.poll(() => p.logs.some((line) => /backend api \(pid \d+ on .+\) connected: 2 wizards in sync/.test(line))).toBe(true)

    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => reloads(p, 'debug').length).toBe(1)
    expect(reloads(p, 'debug')[0].backends).toEqual({ total: 2, ok: 2, minMs: expect.any(Number), maxMs: expect.any(Number), failed: [] })
    for (const child of [api, worker]) expect(await child.run('debug')).toMatchObject({ output: 'v2', version: 2 })
    expect(p.logs.some((line) => /debug reloaded in [\d.]+ ms · 2\/2 backends \([\d.]+(–[\d.]+)? ms\)/.test(line))).toBe(true)

    // A helper edit: the dependent wizard reloads in both, with the helper evaluated afresh there.
    p.write('wizards/_tag.ts', "export const tag = 'two'\n")
    await expect.poll(() => reloads(p, 'report').at(-1)?.backends?.ok).toBe(2)
    for (const child of [api, worker]) expect(await child.run('report')).toMatchObject({ output: 'report two' })

    const status = p.api.getStatus()
    expect(status).toMatchObject({
      backends: [expect.objectContaining({ name: expect.stringMatching(/^(api|worker)$/), pid: expect.any(Number) }), expect.any(Object)],
    })
    const apiStatus = (status as { backends: Array<{ name: string; wizards: Record<string, unknown> }> }).backends.find((entry) => entry.name === 'api')!
    expect(apiStatus.wizards.debug).toMatchObject({ version: 2, ok: true, error: null })

    // Removal reaches them too.
    p.remove('wizards/debug_wizard.ts')
    await expect.poll(async () => (await api.run('debug')).missing).toBe(true)
    await expect.poll(async () => (await worker.run('debug')).missing).toBe(true)
  })

  test('a failure in one backend only: the other has the new version, the failing one keeps the old; the event names it', async () => {
    const p = await devServer()
    const [api, worker] = await Promise.all([backend(p, 'api'), backend(p, 'worker', { refuse: 'none-yet' })])
    await worker.refuse('debug')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => reloads(p, 'debug').length).toBe(1)
    const [event] = reloads(p, 'debug')
    expect(event.backends).toMatchObject({
      total: 2,
      ok: 1,
      failed: [{ name: 'worker', error: { kind: 'register', message: 'register("debug") returned false' } }],
    })
    expect(await api.run('debug')).toMatchObject({ output: 'v2' })
    expect(await worker.run('debug')).toMatchObject({ output: 'v1', version: 1 })
    expect(
      p.logs.some(
        (line) =>
          line.includes('1/2 backends') &&
          line.includes('worker failed: register("debug") returned false') &&
          line.includes('its previous version keeps serving there'),
      ),
    ).toBe(true)
    expect(p.registry.run('debug')).toBe('v2') // the dev server's own registry has it too
  })

  test('the dev server stops: backends keep serving; it comes back and a file changed meanwhile is re-synced', async () => {
    const p = await devServer()
    const port = portOf(p.server.httpServer!)
    const api = await backend(p, 'api')
    p.write('wizards/broken_wizard.ts', wizardSource('BrokenWizard', 'fine'))
    await expect.poll(async () => (await api.run('broken')).output).toBe('fine')
    await p.stop()
    await expect.poll(async () => (await api.state()).connected).toBe(false)
    expect(await api.run('debug')).toMatchObject({ output: 'v1' })
    expect((await api.state()).logs.some((line) => line.includes('what is registered keeps serving'))).toBe(true)

    // Edited while the dev server is down; then it starts again on the same folder and port.
    fs.writeFileSync(p.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', 'v2 (while away)'))
    fs.writeFileSync(p.path('wizards/_tag.ts'), "export const tag = 'changed'\n")
    // And one wizard broken meanwhile: on the restarted dev server it fails to load; the backend keeps its version.
    fs.writeFileSync(p.path('wizards/broken_wizard.ts'), 'export class BrokenWizard {')
    const again = await startTempProject({ listen: true, root: p.root, files: {}, vite: { server: { host: '127.0.0.1', port, strictPort: true } } })
    projects.splice(projects.indexOf(p), 1, again)
    // The re-sync loads what changed meanwhile, one wizard after another.
    await expect
      .poll(async () => [(await api.run('debug')).output, (await api.run('report')).output], { timeout: 20_000 })
      .toEqual(['v2 (while away)', 'report changed'])
    expect(await api.run('broken')).toMatchObject({ output: 'fine' })
    expect((await api.state()).logs.some((line) => line.includes('reconnected to the dev server'))).toBe(true)
  })

  test('a backend started before the dev server waits, and connects when it comes up', async () => {
    const root = makeTempDir()
    writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    const port = await freePort()
    const early = BackendChild.spawn({ server: `http://127.0.0.1:${port}`, name: 'early', root })
    children.push(early)
    await expect.poll(async () => (await early.state()).logs.some((line) => line.includes(`waiting for the dev server at http://127.0.0.1:${port}`))).toBe(true)
    const p = await startTempProject({ listen: true, root, files: {}, vite: { server: { host: '127.0.0.1', port, strictPort: true } } })
    projects.push(p)
    expect(await early.started).toEqual({ ok: true })
    expect(await early.run('debug')).toMatchObject({ output: 'v1', version: 1 })
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(async () => (await early.run('debug')).output).toBe('v2')
  })

  test('only clients with the project secret: no token, a wrong one, a browser Origin — refused with a reason, nothing loaded', async () => {
    const p = await devServer()
    expect(fs.readFileSync(path.join(p.root, '.vite', TOKEN_FILE), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    const wrong = BackendChild.spawn({ server: urlOf(p), name: 'intruder', token: 'f'.repeat(64), root: p.root })
    children.push(wrong)
    expect(await wrong.started).toMatchObject({
      ok: false,
      message: expect.stringContaining("did not prove it holds this backend's token (from the token option): the token is wrong"),
    })
    const elsewhere = BackendChild.spawn({ server: urlOf(p), name: 'lost', root: path.dirname(p.root) })
    children.push(elsewhere)
    const lost = await elsewhere.started
    expect(lost).toMatchObject({ ok: false, message: expect.stringMatching(/cannot connect to the dev server at .*: no token: none of .* exists/) })
    // Said once — by the rejection the caller awaits (which carries no stack of ours), not by the log too.
    expect(lost.ok === false && lost.logs.filter((line) => line.includes('no token'))).toEqual([])
    // A browser page (any Origin) is refused before the token is even looked at.
    const token = fs.readFileSync(path.join(p.root, '.vite', TOKEN_FILE), 'utf8').trim()
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${portOf(p.server.httpServer!)}${BACKEND_PATH}`, {
        headers: { authorization: `Bearer ${token}`, origin: `http://127.0.0.1:${portOf(p.server.httpServer!)}` },
      })
      socket.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0))
      socket.on('open', () => resolve(101))
      socket.on('error', () => {})
    })
    expect(status).toBe(403)
    // The Host rule of the rest of the dev server (server.allowedHosts) holds here too.
    const badHost = await new Promise<{ status: number; body: string }>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${portOf(p.server.httpServer!)}${BACKEND_PATH}`, {
        headers: { authorization: `Bearer ${token}`, host: 'evil.example' },
      })
      socket.on('unexpected-response', (_, response) => {
        let body = ''
        response.on('data', (chunk) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      socket.on('open', () => resolve({ status: 101, body: '' }))
      socket.on('error', () => {})
    })
    expect(badHost).toEqual({ status: 403, body: 'Host "evil.example" is not allowed (see server.allowedHosts)' })
    expect(p.api.getStatus()).toMatchObject({ backends: [] })
  })

  test("a server that took the dev server's port learns nothing and runs nothing: it cannot prove the token, the backend sends no hello", async () => {
    const p = await devServer()
    const token = fs.readFileSync(path.join(p.root, '.vite', TOKEN_FILE), 'utf8').trim()
    const impostor = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    const seen: { headers: string[]; frames: string[] } = { headers: [], frames: [] }
    impostor.on('connection', (socket, request) => {
      seen.headers.push(JSON.stringify(request.headers))
      socket.on('message', (data) => seen.frames.push(String(data)))
      // A made-up proof, then everything a real dev server would send next.
      socket.send(JSON.stringify({ type: 'challenge', protocol: BACKEND_PROTOCOL_VERSION, nonce: newNonce(), proof: 'a'.repeat(64) }))
      socket.send(
        JSON.stringify({
          type: 'welcome',
          protocol: BACKEND_PROTOCOL_VERSION,
          session: 'x',
          options: {},
          wizards: [
            { wizardId: 'evil', file: '/evil_wizard.ts', version: 1, closureHash: 'x', closure: [], config: null, configDescribed: 'none', pinned: false },
          ],
          failing: [],
          complete: true,
        }),
      )
    })
    await new Promise((resolve) => impostor.once('listening', resolve))
    try {
      const port = (impostor.address() as { port: number }).port
      const fooled = BackendChild.spawn({ server: `http://127.0.0.1:${port}`, name: 'fooled', root: p.root })
      children.push(fooled)
      expect(await fooled.started).toMatchObject({ ok: false, message: expect.stringContaining("did not prove it holds this backend's token") })
      expect(seen.headers).toHaveLength(1)
      expect(seen.headers[0]).not.toContain(token)
      expect(seen.frames).toEqual([])
    } finally {
      await new Promise((resolve) => impostor.close(resolve))
    }
  })

  test('a relay in the middle (a process on the port the backend dials, forwarding to the real dev server) cannot slip in a frame of its own', async () => {
    const p = await devServer()
    const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    let injected = 0
    let backendHungUp = false
    relay.on('connection', (fromBackend, request) => {
      fromBackend.on('close', () => (backendHungUp = true))
      const toServer = new WebSocket(`ws://127.0.0.1:${portOf(p.server.httpServer!)}${BACKEND_PATH}`, {
        headers: { [BACKEND_NONCE_HEADER]: String(request.headers[BACKEND_NONCE_HEADER]) },
      })
      toServer.on('message', (data) => {
        fromBackend.send(String(data))
        // Right behind the genuine challenge: a welcome of its own, naming a wizard of its own.
        if (injected++ === 0)
          fromBackend.send(
            JSON.stringify({
              type: 'welcome',
              protocol: BACKEND_PROTOCOL_VERSION,
              session: 'x',
              options: { root: p.root, registerTimeout: 1000, loadTimeout: 1000, history: 20 },
              wizards: [
                {
                  wizardId: 'evil',
                  file: p.path('wizards/debug_wizard.ts'),
                  version: 9,
                  closureHash: 'x',
                  closure: [],
                  config: null,
                  configDescribed: 'none',
                  pinned: false,
                },
              ],
              failing: [],
              complete: true,
            }),
          )
      })
      fromBackend.on('message', (data) => toServer.readyState === WebSocket.OPEN && toServer.send(String(data)))
      toServer.on('close', () => fromBackend.terminate())
      fromBackend.on('close', () => toServer.terminate())
    })
    await new Promise((resolve) => relay.once('listening', resolve))
    try {
      const relayed = BackendChild.spawn({
        server: `http://127.0.0.1:${(relay.address() as { port: number }).port}`,
        name: 'relayed',
        root: p.root,
        wait: false,
      })
      children.push(relayed)
      await expect.poll(() => injected, { timeout: 10_000 }).toBeGreaterThan(1)
      // Frames are handled in order, and the injected one came right behind the challenge: once the
      // backend has hung up on the relay, or has registered what the genuine welcome named, it has
      // handled the injected frame too.
      await expect
        .poll(async () => backendHungUp || (await relayed.state()).registrations.some((entry) => entry.wizardId === 'debug'), { timeout: 10_000 })
        .toBe(true)
      expect((await relayed.state()).registrations.map((entry) => entry.wizardId)).not.toContain('evil')
      expect((await relayed.state()).wizards.map((entry) => entry.wizardId)).not.toContain('evil')
    } finally {
      for (const client of relay.clients) client.terminate()
      await new Promise((resolve) => relay.close(resolve))
    }
  })

  test('a dev server that goes silent without closing (a network cut, a frozen process) is dropped by the backend, which reconnects', async () => {
    const root = makeTempDir()
    const token = 'c'.repeat(64)
    writeFiles(root, { [`.vite/${TOKEN_FILE}`]: `${token}\n` })
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    let connections = 0
    silent.on('connection', (socket, request) => {
      connections++
      // A correct handshake and welcome (it knows the token), then nothing: no pings, no close.
      const backendNonce = String(request.headers[BACKEND_NONCE_HEADER])
      const nonce = newNonce()
      const challenge = { protocol: BACKEND_PROTOCOL_VERSION, heartbeatMs: 100 }
      socket.send(
        JSON.stringify({ type: 'challenge', ...challenge, nonce, proof: proofOf(token, 'dev-server', backendNonce, nonce, challengeBound(challenge)) }),
      )
      socket.once('message', () => {
        // (the hello) — answered with a welcome signed as the protocol says, then silence.
        const welcome = {
          type: 'welcome',
          protocol: BACKEND_PROTOCOL_VERSION,
          session: 's',
          options: { root, registerTimeout: 1000, loadTimeout: 1000, history: 20 },
          wizards: [],
          failing: [],
          complete: true,
        }
        socket.send(signed(sessionKey(token, backendNonce, nonce), 'dev-server', 0, JSON.stringify(welcome)))
      })
    })
    await new Promise((resolve) => silent.once('listening', resolve))
    try {
      const port = (silent.address() as { port: number }).port
      const child = BackendChild.spawn({ server: `http://127.0.0.1:${port}`, name: 'patient', root })
      children.push(child)
      expect(await child.started).toEqual({ ok: true })
      await expect.poll(async () => (await child.state()).logs.some((line) => line.includes('lost the dev server')), { timeout: 10_000 }).toBe(true)
      await expect.poll(() => connections, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    } finally {
      for (const client of silent.clients) client.terminate()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  test('a client with the token that sends garbage costs nothing: the dev server and a real backend keep working', async () => {
    const p = await devServer()
    const token = fs.readFileSync(path.join(p.root, '.vite', TOKEN_FILE), 'utf8').trim()
    const secret = path.join(path.dirname(p.root), `outside-${path.basename(p.root)}.txt`)
    fs.writeFileSync(secret, 'not for backends')
    const { socket, answers, send, sendUnsigned } = await rawBackend(p, token)
    for (const frame of [
      'not json',
      '[]',
      'null',
      '{"type":"outcome"}',
      '{"type":"outcome","seq":1,"outcome":null}',
      '{"type":"invoke","id":1,"name":"fetchModule","data":"x"}',
      '{"type":"synced","outcomes":5}',
      `{"type":"hello","protocol":${BACKEND_PROTOCOL_VERSION}}`,
      '{"type":"invoke","id":2,"name":"nope","data":[]}',
      JSON.stringify({ type: 'invoke', id: 3, name: 'fetchModule', data: [`${secret}?raw`] }),
    ])
      send(frame)
    socket.send(Buffer.from([1, 2, 3]))
    await expect.poll(() => answers.filter((answer) => answer.type === 'invoked').length).toBe(2)
    // A frame without a valid signature (injected, replayed) ends that connection.
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    sendUnsigned('{"type":"invoke","id":4,"name":"fetchModule","data":["/etc/hostname"]}')
    expect(await closed).toBe(1006)
    expect(answers.some((answer) => answer.id === 4)).toBe(false)
    // Vite's server.fs rules hold on this channel too: a file outside the project is not handed out.
    expect(answers.find((answer) => answer.id === 3)?.result).toEqual({
      error: expect.objectContaining({ message: expect.stringContaining("is not served to backends: Vite's server.fs rules") }),
    })
    expect(JSON.stringify(answers)).not.toContain('not for backends')
    fs.rmSync(secret)
    const api = await backend(p, 'api')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(async () => (await api.run('debug')).output).toBe('v2')
  })

  test('neither the backend channel nor the HTTP server hands out what server.fs forbids, or the token itself', async () => {
    const p = await devServer({
      files: {
        'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
        'server.pem': '-----BEGIN PRIVATE KEY-----\nKEYMATERIAL\n',
        '.vite/control.txt': 'CONTROL TEXT\n',
      },
      vite: { resolve: { alias: { '~up': os.tmpdir() } } },
    })
    const port = portOf(p.server.httpServer!)
    const token = fs.readFileSync(path.join(p.root, '.vite', TOKEN_FILE), 'utf8').trim()
    // A file outside the project that does not even parse: its error would quote it.
    const secret = path.join(path.dirname(p.root), `outside-${path.basename(p.root)}-id_rsa`)
    fs.writeFileSync(secret, 'SECRETLINE one two {{{\n')
    try {
      const { socket, answers, send } = await rawBackend(p, token)
      const relative = path.relative(p.root, secret)
      const asks: Array<[string, string?]> = [
        [secret],
        [`/@fs${secret}`],
        [`file://${secret}`],
        // The same file URL percent-encoded, a relative id with an importer, an alias: each resolves as Vite resolves it.
        [pathToFileURL(secret).href.replace('outside-', 'outside%2D')],
        [relative, p.path('wizards/debug_wizard.ts')],
        [`~up/${path.basename(secret)}`],
        [`${secret}?raw`],
        [path.join(p.root, 'server.pem')],
        ['/server.pem?raw'],
        [path.join(p.root, '.vite', TOKEN_FILE)],
        [`/.vite/${TOKEN_FILE}?raw`],
      ]
      asks.forEach(([url, importer], i) => send(JSON.stringify({ type: 'invoke', id: 10 + i, name: 'fetchModule', data: [url, importer] })))
      await expect.poll(() => answers.filter((answer) => answer.type === 'invoked').length).toBe(asks.length)
      for (const answer of answers.filter((answer) => answer.type === 'invoked'))
        expect(answer.result, asks[answer.id! - 10].join(' from ')).toEqual({
          error: expect.objectContaining({ message: expect.stringContaining('is not served to backends') }),
        })
      const wire = JSON.stringify(answers)
      for (const leak of ['SECRETLINE', 'KEYMATERIAL', token]) expect(wire).not.toContain(leak)
      socket.close()
    } finally {
      fs.rmSync(secret)
    }
    // Over HTTP, the token is denied like .env: plain, ?raw, ?import, ?url, /@fs/, another case, encoded — even with a page's Origin.
    const tokenUrl = `/.vite/${TOKEN_FILE}`
    // A control file beside it is served the very same ways: the refusals are the deny, not the URL forms.
    const forms = (url: string) => [
      url,
      `${url}?raw`,
      `${url}?import`,
      `${url}?url`,
      `${url}?import&raw`,
      `/@fs${p.root}${url}`,
      `/@fs${p.root}${url}?raw`,
      url.replace('.vite', '%2Evite'),
    ]
    for (const url of forms('/.vite/control.txt')) expect((await fetch(`http://127.0.0.1:${port}${url}`)).status, url).toBe(200)
    for (const url of forms(tokenUrl)) {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { origin: 'http://localhost:3000' } })
      expect([response.status, (await response.text()).includes(token)], url).toEqual([403, false])
    }
    for (const url of [tokenUrl.toUpperCase(), `/.vite/${path.dirname(TOKEN_FILE)}/`])
      expect(await (await fetch(`http://127.0.0.1:${port}${url}`)).text(), url).not.toContain(token)
    expect(p.api.getStatus()).toMatchObject({ backends: [] })
  })

  test('a backend killed mid-reload does not stall the next reload (even with a long registerTimeout)', async () => {
    const p = await devServer({ plugin: { registerTimeout: 60_000, loadTimeout: 60_000 } })
    const [api, doomed] = await Promise.all([backend(p, 'api'), backend(p, 'doomed')])
    await doomed.hang('debug')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    // Killed while its register of the new version is running: the dev server is waiting on it.
    await expect.poll(() => doomed.registering.has('debug')).toBe(true)
    expect(reloads(p, 'debug')).toHaveLength(0)
    doomed.kill()
    await expect.poll(() => reloads(p, 'debug').length).toBe(1)
    expect(reloads(p, 'debug')[0].backends?.failed).toEqual([{ name: 'doomed', error: { kind: 'register', message: 'disconnected before it answered' } }])
    expect(reloads(p, 'debug')[0].backends?.ok).toBe(1)
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => reloads(p, 'debug').length).toBe(2)
    expect(reloads(p, 'debug')[1].backends).toMatchObject({ total: 1, ok: 1 })
    expect(await api.run('debug')).toMatchObject({ output: 'v3' })
  })

  test('a frozen backend (SIGSTOP) holds the event at most loadTimeout + registerTimeout; it is named, the others are not held up', async () => {
    const p = await devServer({ plugin: { registerTimeout: 400, loadTimeout: 300 } })
    const [api, frozen] = await Promise.all([backend(p, 'api'), backend(p, 'frozen')])
    frozen.child.kill('SIGSTOP')
    try {
      p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
      await expect.poll(() => reloads(p, 'debug').length).toBe(1)
      expect(reloads(p, 'debug')[0].backends).toMatchObject({
        total: 2,
        ok: 1,
        failed: [{ name: 'frozen', error: { kind: 'timeout', message: expect.stringContaining('no answer within 700 ms (loadTimeout + registerTimeout)') } }],
      })
      expect(await api.run('debug')).toMatchObject({ output: 'v2' })
      const frozenStatus = () =>
        (p.api.getStatus() as { backends: Array<{ name: string; wizards: Record<string, { ok: boolean; error: string | null }> }> }).backends.find(
          (entry) => entry.name === 'frozen',
        )?.wizards.debug
      expect(frozenStatus()).toMatchObject({ ok: false, error: expect.stringContaining('no answer within 700 ms') })
    } finally {
      frozen.child.kill('SIGCONT')
    }
    // Thawed, it catches up (its answer came late; the status shows it).
    await expect.poll(async () => (await frozen.run('debug')).output).toBe('v2')
    await expect
      .poll(
        () =>
          (p.api.getStatus() as { backends: Array<{ name: string; wizards: Record<string, { ok: boolean }> }> }).backends.find(
            (entry) => entry.name === 'frozen',
          )?.wizards.debug.ok,
      )
      .toBe(true)
  })

  test('config edits and rollbacks reach backends: the same class with the new config, a kept version back', async () => {
    const p = await devServer({
      files: {
        'wizards/tone_wizard.ts': 'export class ToneWizard { constructor(config) { this.config = config } run() { return this.config?.tone ?? "none" } }\n',
        'wizards/tone_wizard.config.json': '{ "tone": "dry" }',
      },
    })
    const api = await backend(p, 'api')
    expect(await api.run('tone')).toMatchObject({ output: 'dry', version: 1 })
    p.write('wizards/tone_wizard.config.json', '{ "tone": "warm" }')
    await expect.poll(async () => (await api.run('tone')).output).toBe('warm')
    expect(lastEvent(p.events, 'reloaded', 'tone')).toMatchObject({ reason: 'config', backends: { ok: 1, total: 1 } })
    expect(await p.api.rollback('tone', 1)).toMatchObject({ ok: true })
    await expect.poll(async () => (await api.run('tone')).output).toBe('dry')
  })

  test('a backend that connects later gets what the dev server serves: a pinned (rolled-back) version, and the last good config while the one on disk is broken', async () => {
    const p = await devServer({
      files: {
        'wizards/tone_wizard.ts':
          'export class ToneWizard { constructor(config) { this.config = config } run() { return "v1 " + (this.config?.tone ?? "none") } }\n',
        'wizards/tone_wizard.config.json': '{ "tone": "dry" }',
      },
    })
    p.write(
      'wizards/tone_wizard.ts',
      'export class ToneWizard { constructor(config) { this.config = config } run() { return "v2 " + (this.config?.tone ?? "none") } }\n',
    )
    await expect.poll(() => (p.api.getStatus() as { wizards?: Record<string, { version: number | null }> }).wizards?.tone?.version).toBe(2)
    expect(await p.api.rollback('tone', 1)).toMatchObject({ ok: true, version: 1 })
    // The config on disk breaks now: the dev server keeps serving v1 with { tone: dry }.
    p.write('wizards/tone_wizard.config.json', '{ "tone": ')
    await expect.poll(() => lastEvent(p.events, 'failed', 'tone')?.error.kind).toBe('config')
    const late = await backend(p, 'late')
    expect(await late.run('tone')).toMatchObject({ output: 'v1 dry' })
    // A save that fails on the dev server (a syntax error): a backend connecting now gets v1 too, not the broken file.
    p.write('wizards/tone_wizard.config.json', '{ "tone": "dry" }')
    p.write('wizards/tone_wizard.ts', 'export class ToneWizard {')
    await expect.poll(() => lastEvent(p.events, 'failed', 'tone')?.error.kind).toBe('syntax')
    const later = await backend(p, 'later')
    expect(await later.run('tone')).toMatchObject({ output: 'v1 dry' })
  })
})
