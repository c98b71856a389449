import fs from 'node:fs'
import WebSocket from 'ws'
import { DevServerProcess } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { wizardSource } from '../wizard-files.ts'

export const newUserCases: ReliabilityCase[] = [
  {
    name: 'new user: the plugin listed twice: one warning, one register per save',
    tries: 5,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0'), 'index.html': '<!doctype html><html><head></head><body></body></html>' },
        { plugin: { dirs: ['wizards'] }, twice: true },
      ),
    async run(attempt, server) {
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', `v${attempt}`))
      await until('registered', async () => (await server!.registry()).outputs.debug, `v${attempt}`)
      await server!.idle()
      check((await server!.registry()).registers.debug === attempt + 1, 'more than one register call per save')
      check((await server!.logs()).filter((line) => line.includes('listed twice')).length === 1, 'not exactly one warning')
      const html = await (await fetch(server!.url)).text()
      const injected = (html.match(/@wizard-hot-reload\/overlay\.js/g) ?? []).length
      check(injected === 1, `the overlay is injected ${injected} times`)
    },
  },
  {
    name: 'new user: a page that opens while a wizard is broken gets one snapshot per ask, the same failure',
    tries: 3,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0'), 'index.html': '<!doctype html><html><body></body></html>' },
        { plugin: { dirs: ['wizards'] } },
      ),
    async run(attempt, server) {
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), `export class DebugWizard { run() { return ( } } // ${attempt}\n`)
      await until('the failure', async () => (await server!.events()).filter((event) => event.type === 'failed').length, attempt)
      // The token Vite's client connects with (served inside /@vite/client), as a page would.
      const wsToken = /const wsToken = "([^"]+)"/.exec(await (await fetch(`${server!.url}/@vite/client`)).text())?.[1] ?? ''
      const socket = new WebSocket(`ws://127.0.0.1:${server!.port}/?token=${wsToken}`, 'vite-hmr')
      const snapshots: unknown[] = []
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; event?: string; data?: unknown }
        if (message.type === 'custom' && message.event === 'wizard-hot-reload:state') snapshots.push(message.data)
      })
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
      for (const client of ['overlay', 'api']) socket.send(JSON.stringify({ type: 'custom', event: 'wizard-hot-reload:ready', data: { client } }))
      await until('two snapshots', () => snapshots.length, 2)
      socket.close()
      check(JSON.stringify(snapshots[0]) === JSON.stringify(snapshots[1]), 'the two snapshots differ')
      const failures = (snapshots[0] as { failures: Array<{ wizardId: string }> }).failures
      check(failures.length === 1 && failures[0].wizardId === 'debug', `snapshot: ${JSON.stringify(snapshots[0]).slice(0, 200)}`)
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', `v${attempt}`))
      await until('fixed', async () => (await server!.registry()).outputs.debug, `v${attempt}`)
    },
  },
  {
    name: 'new user: HOT_RELOAD_ENABLED=false loads every wizard once; no endpoint, no overlay',
    tries: 1,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0'), 'index.html': '<!doctype html><html><body></body></html>' },
        { plugin: { dirs: ['wizards'] }, env: { HOT_RELOAD_ENABLED: 'false' } },
      ),
    async run(_attempt, server) {
      const { outputs, registers } = await server!.registry()
      check(outputs.debug === 'v0' && registers.debug === 1, `registry: ${JSON.stringify({ outputs, registers })}`)
      check(JSON.stringify(await server!.get('/api/hot-reload/status')) === '{"enabled":false}', 'status is not {"enabled": false}')
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${server!.port}/ws/hot-reload`)
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        socket.on('open', () => resolve(101))
        socket.on('error', () => resolve(-1))
      })
      check(status === 404, `the WebSocket path answered ${status}`)
      check(!(await (await fetch(server!.url)).text()).includes('overlay.js'), 'the overlay was injected')
    },
  },
  {
    name: 'new user: HOT_RELOAD_DELAY=200 warns that it is in seconds; the start line and status show the delay',
    tries: 1,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') },
        { plugin: { dirs: ['wizards'] }, env: { HOT_RELOAD_DELAY: '200' } },
      ),
    async run(_attempt, server) {
      const logs = await server!.logs()
      check(
        logs.some((line) => line.includes('HOT_RELOAD_DELAY=200 is in seconds')),
        'no warning',
      )
      check(
        logs.some((line) => line.includes('delay 200000 ms')),
        'the start line does not show the delay',
      )
      check((await server!.get<{ delay_ms: number }>('/api/hot-reload/status')).delay_ms === 200_000, 'status.delay_ms')
    },
  },
  {
    name: 'new user: a wizard-named file without a …Wizard class warns once; an anonymous default class registers',
    tries: 1,
    setup: () =>
      DevServerProcess.start(
        {
          'wizards/summary_wizard.ts': 'export class Summary { run() { return 1 } }\n',
          'wizards/anon_wizard.ts': "export default class { run() { return 'anon' } }\n",
        },
        { plugin: { dirs: ['wizards'] } },
      ),
    async run(_attempt, server) {
      check((await server!.registry()).outputs.anon === 'anon', 'the anonymous default class is not registered')
      check((await server!.logs()).filter((line) => line.includes('wizards/summary_wizard.ts is named like a wizard')).length === 1, 'not one warning')
    },
  },
  {
    name: 'new user: .js syntax errors show the parser’s reason and location',
    tries: 3,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/debug_wizard.js': 'export class DebugWizard { run() { return "v0" } }\n' },
        { plugin: { dirs: ['wizards'], delay: 0 } },
      ),
    async run(attempt, server) {
      const sources = [
        'export class DebugWizard {\n  run() {\n    if (true) {\n      return 1\n  }\n}\n',
        'const s = "abc\nexport class DebugWizard { run() { return s } }\n',
        'let x = = 2\nexport class DebugWizard { run() { return x } }\n',
      ]
      const before = (await server!.events()).length
      fs.writeFileSync(server!.path('wizards/debug_wizard.js'), sources[attempt - 1])
      const events = await until(
        'a syntax failure',
        () => server!.events(),
        (all) => all.slice(before).some((event) => event.type === 'failed'),
      )
      const failure = events.slice(before).find((event) => event.type === 'failed')!
      check(
        failure.error?.kind === 'syntax' && /^SyntaxError: (?!Failed to parse|Parse failure)\S/.test(failure.error.message),
        `message: ${failure.error?.message}`,
      )
      const loc = (failure.error as { loc?: { line: number } }).loc
      check(loc !== undefined && loc.line > 0, 'no location')
      fs.writeFileSync(server!.path('wizards/debug_wizard.js'), `export class DebugWizard { run() { return "v${attempt}" } }\n`)
      await until('fixed', async () => (await server!.registry()).outputs.debug, `v${attempt}`)
    },
  },
]
