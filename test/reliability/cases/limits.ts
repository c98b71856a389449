import fs from 'node:fs'
import { DevServerProcess, type ServerEvent } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { shell } from '../../shell.ts'
import { wizardSource } from '../wizard-files.ts'

/** Wave 3's defects: a throwing abort listener, configs that stopped the plugin, sizes and memory with no cap, one save reported twice. */
const MB = 1024 * 1024
const deep = '['.repeat(100_000) + ']'.repeat(100_000)

async function failuresAfter(server: DevServerProcess, before: number, wizardId: string, count = 1): Promise<ServerEvent[]> {
  const events = await until(
    `${count} failure event(s) of ${wizardId}`,
    () => server.events(),
    (all) => all.slice(before).filter((event) => event.type === 'failed' && event.wizardId === wizardId).length >= count,
  )
  return events.slice(before).filter((event) => event.type === 'failed' && event.wizardId === wizardId)
}

let saved = 0
export const limitCases: ReliabilityCase[] = [
  {
    name: 'crash: an abort listener on context.signal throws (an Error, a BigInt) when its version is left — a warning, the server lives',
    tries: 10,
    setup: () =>
      DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 }, callbacks: true }),
    async run(attempt, server) {
      await server!.control({ register: `signal-throw:${attempt % 2 === 0 ? 'bigint' : 'listener boom'}` })
      const output = `s${attempt}`
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', output))
      await server!.waitFor('debug', output)
      if (attempt > 1)
        await until(
          'the warning naming the wizard',
          async () => (await server!.logs()).filter((line) => line.includes('a listener on context.signal threw')).length >= attempt - 1,
          true,
        )
    },
  },
  {
    name: 'config: nested 100,000 deep (at start, then saved as .json, .jsonc, .yaml, .toml) — that wizard’s config failure, located; the plugin runs',
    tries: 4,
    setup: () =>
      DevServerProcess.start(
        { 'wizards/x_wizard.ts': wizardSource('XWizard', 'x'), 'wizards/x_wizard.config.json': deep, 'wizards/y_wizard.ts': wizardSource('YWizard', 'y') },
        { plugin: { dirs: ['wizards'], delay: 0 } },
      ),
    async run(attempt, server) {
      const status = await server!.get<{ running: boolean; last_error: string | null; wizards: Record<string, { last_error_kind: string | null }> }>(
        '/api/hot-reload/status',
      )
      check(status.running && status.last_error === null, `the plugin is not running cleanly: ${status.last_error}`)
      if (attempt === 1) check(status.wizards.x?.last_error_kind === 'config', 'the deep config at start is no config failure')
      const [ext, text] = (
        [
          ['json', deep],
          ['jsonc', `// deep\n${deep}`],
          ['yaml', `a: ${deep}`],
          ['toml', `a = ${deep}`],
        ] as const
      )[attempt - 1]
      fs.rmSync(server!.path('wizards/x_wizard.config.json'), { force: true })
      for (const other of ['json', 'jsonc', 'yaml', 'toml']) fs.rmSync(server!.path(`wizards/y_wizard.config.${other}`), { force: true })
      const before = (await server!.events()).length
      fs.writeFileSync(server!.path(`wizards/y_wizard.config.${ext}`), text)
      const [failure] = await failuresAfter(server!, before, 'y')
      check(
        failure.error?.kind === 'config' && /nested more than 100 levels deep/.test(failure.error.message) && failure.error.loc !== undefined,
        `not a located config failure: ${JSON.stringify(failure.error).slice(0, 300)}`,
      )
      fs.rmSync(server!.path(`wizards/y_wizard.config.${ext}`))
      await until(
        'y loads again without it',
        async () => (await server!.get<{ wizards: Record<string, { last_error: string | null }> }>('/api/hot-reload/status')).wizards.y?.last_error,
        null,
      )
    },
  },
  {
    name: 'sizes: a 20 MB schema issue, a 50 MB YAML config — failures stay small, the status answers small and fast',
    tries: 2,
    setup: () =>
      DevServerProcess.start(
        {
          'wizards/x_wizard.ts': `export class XWizard { static configSchema = { '~standard': { version: 1, vendor: 'test', validate: (value) => (value && value.huge ? { issues: [{ message: 'bad: ' + 'z'.repeat(20 * 1024 * 1024), path: ['huge'] }] } : { value }) } }; run() { return 'x' } }\n`,
          'wizards/x_wizard.config.yaml': 'huge: false\n',
        },
        { plugin: { dirs: ['wizards'], delay: 0 } },
      ),
    async run(attempt, server) {
      const before = (await server!.events()).length
      if (attempt === 1) fs.writeFileSync(server!.path('wizards/x_wizard.config.yaml'), 'huge: true\n')
      else fs.writeFileSync(server!.path('wizards/x_wizard.config.yaml'), `blob: "${'b'.repeat(50 * MB)}"\n`)
      const [failure] = await failuresAfter(server!, before, 'x')
      check(JSON.stringify(failure).length < 16 * 1024, `a failure event of ${JSON.stringify(failure).length} characters`)
      const started = performance.now()
      const status = await (await fetch(`${server!.url}/api/hot-reload/status`)).text()
      const ms = performance.now() - started
      check(status.length < 64 * 1024 && ms < 2000, `the status answered ${status.length} characters in ${Math.round(ms)} ms`)
      fs.writeFileSync(server!.path('wizards/x_wizard.config.yaml'), 'huge: false\n')
      await until(
        'x fine again',
        async () => (await server!.get<{ wizards: Record<string, { last_error: string | null }> }>('/api/hot-reload/status')).wizards.x?.last_error,
        null,
      )
    },
  },
  {
    name: 'one save = one reload: a bad config by shell redirect is one failure; a code + config burst is one register',
    tries: 25,
    setup: () =>
      DevServerProcess.start(
        {
          'wizards/x_wizard.ts': wizardSource('XWizard', 'x0'),
          'wizards/x_wizard.config.yaml': 'model: small\n',
          'template.yaml': 'model: small\nsteps: [a\n',
        },
        { plugin: { dirs: ['wizards'], delay: 50 } },
      ),
    async run(attempt, server) {
      if (attempt <= 10) {
        // A bad save, then a good one: every event of the bad save comes before the good one's reload.
        const before = (await server!.events()).length
        await shell(server!.root, `sed 's/small/s${attempt}/' template.yaml > wizards/x_wizard.config.yaml`)
        await failuresAfter(server!, before, 'x')
        await shell(server!.root, `printf 'model: ok${attempt}\\n' > wizards/x_wizard.config.yaml`)
        const events = await until(
          'the good save reloaded',
          () => server!.events(),
          (all) => all.slice(before).some((event) => event.type === 'reloaded' && event.wizardId === 'x'),
        )
        const failures = events.slice(before).filter((event) => event.type === 'failed').length
        check(failures === 1, `one bad save was reported ${failures} times`)
        return
      }
      const registers = (await server!.registry()).registers.x ?? 0
      const output = `c${++saved}`
      await shell(
        server!.root,
        `printf 'export class XWizard { run() { return "${output}" } }\\n' > wizards/x_wizard.ts; printf 'model: m${saved}\\n' > wizards/x_wizard.config.yaml`,
      )
      await server!.waitFor('x', output)
      // A config-only save after it: an extra register of the burst would come before this one's.
      await shell(server!.root, `printf 'model: after${saved}\\n' > wizards/x_wizard.config.yaml`)
      await until(
        'the config-only save registered',
        async () => (await server!.registry()).registers.x ?? 0,
        (count) => count >= registers + 2,
      )
      await server!.idle()
      const now = (await server!.registry()).registers.x ?? 0
      check(now === registers + 2, `the burst and one config save registered ${now - registers} times (2 expected)`)
    },
  },
]
