import fs from 'node:fs'
import { DevServerProcess } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { shell } from '../../shell.ts'
import { wizardSource, writeCommand } from '../wizard-files.ts'

const three = {
  'wizards/a_wizard.ts': wizardSource('AWizard', 'a0'),
  'wizards/b_wizard.ts': wizardSource('BWizard', 'b0'),
  'wizards/sub/c_wizard.ts': wizardSource('CWizard', 'c0'),
}

/** After the folder came back: everything in it registered with the final content, and an edit still seen. */
async function stillWatching(server: DevServerProcess, expected: Record<string, string>, attempt: number): Promise<void> {
  await until('registered after the folder came back', async () => (await server.registry()).outputs, expected)
  fs.writeFileSync(server.path('wizards/a_wizard.ts'), wizardSource('AWizard', `edited ${attempt}`))
  await until('an edit after it', async () => (await server.registry()).outputs.a, `edited ${attempt}`)
}

const restore = (tag: string) =>
  [
    'mkdir -p wizards/sub',
    writeCommand('wizards/a_wizard.ts', wizardSource('AWizard', `a ${tag}`)),
    writeCommand('wizards/b_wizard.ts', wizardSource('BWizard', `b ${tag}`)),
    writeCommand('wizards/sub/c_wizard.ts', wizardSource('CWizard', `c ${tag}`)),
  ].join(' && ')
const restored = (tag: string) => ({ a: `a ${tag}`, b: `b ${tag}`, c: `c ${tag}` })

export const watchingCases: ReliabilityCase[] = [
  {
    name: 'watching: the folder deleted, then back after a pause',
    tries: 3,
    setup: () => DevServerProcess.start(three, { plugin: { dirs: ['wizards'] } }),
    async run(attempt, server) {
      const before = (await server!.registry()).unregisters
      await shell(server!.root, 'rm -rf wizards')
      await until('every wizard removed while it is gone', async () => (await server!.registry()).outputs, {})
      const after = (await server!.registry()).unregisters
      check(
        ['a', 'b', 'c'].every((id) => (after[id] ?? 0) === (before[id] ?? 0) + 1),
        `unregister calls: ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
      )
      await shell(server!.root, restore(`r${attempt}`))
      await stillWatching(server!, restored(`r${attempt}`), attempt)
    },
  },
  {
    name: 'watching: the folder deleted and re-created in one go (rm -rf && git checkout)',
    tries: 3,
    setup: () => DevServerProcess.start(three, { plugin: { dirs: ['wizards'] } }),
    async run(attempt, server) {
      await shell(server!.root, `rm -rf wizards && ${restore(`r${attempt}`)}`)
      await stillWatching(server!, restored(`r${attempt}`), attempt)
      fs.writeFileSync(server!.path(`wizards/sub/new${attempt}_wizard.ts`), wizardSource(`New${attempt}Wizard`, 'new'))
      await until('a new file after it', async () => (await server!.registry()).outputs[`new${attempt}`], 'new')
      fs.rmSync(server!.path(`wizards/sub/new${attempt}_wizard.ts`))
      await until('its removal', async () => (await server!.registry()).outputs[`new${attempt}`], undefined)
    },
  },
  {
    name: 'watching: the folder renamed away and back',
    tries: 3,
    setup: () => DevServerProcess.start(three, { plugin: { dirs: ['wizards'] } }),
    async run(attempt, server) {
      await shell(server!.root, 'mv wizards wizards.away')
      await until('removed while away', async () => (await server!.registry()).outputs, {})
      await shell(server!.root, `${writeCommand('wizards.away/b_wizard.ts', wizardSource('BWizard', `b r${attempt}`))} && mv wizards.away wizards`)
      await until('b as edited while away', async () => (await server!.registry()).outputs.b, `b r${attempt}`)
      fs.writeFileSync(server!.path('wizards/a_wizard.ts'), wizardSource('AWizard', `edited ${attempt}`))
      await until('an edit after it', async () => (await server!.registry()).outputs.a, `edited ${attempt}`)
    },
  },
  {
    name: 'watching: a folder in dirs that does not exist yet, created later',
    tries: 1,
    setup: () => DevServerProcess.start({ 'src/main.ts': 'export {}\n' }, { plugin: { dirs: ['later/wizards'] } }),
    async run(_attempt, server) {
      const status = await server!.get<{ watch_dirs: string[] }>('/api/hot-reload/status')
      check(status.watch_dirs.includes(server!.path('later/wizards')), `watch_dirs: ${JSON.stringify(status.watch_dirs)}`)
      await shell(server!.root, `mkdir -p later/wizards && ${writeCommand('later/wizards/a_wizard.ts', wizardSource('AWizard', 'late'))}`)
      await until('its wizard registered', async () => (await server!.registry()).outputs.a, 'late')
    },
  },
  {
    name: 'watching: symlink loops (self → ., sub/up → ..): ready, each file once, idle afterwards',
    tries: 1,
    setup: () =>
      DevServerProcess.start(three, {
        plugin: { dirs: ['wizards'] },
        beforeStart: (root) => {
          fs.symlinkSync('.', `${root}/wizards/self`)
          fs.symlinkSync('..', `${root}/wizards/sub/up`)
        },
      }),
    async run(_attempt, server) {
      const { registers } = await server!.registry()
      check(
        JSON.stringify(Object.entries(registers).sort()) ===
          JSON.stringify([
            ['a', 1],
            ['b', 1],
            ['c', 1],
          ]),
        `register calls: ${JSON.stringify(registers)}`,
      )
      const logs = await server!.logs()
      check(logs.filter((line) => line.includes('(a loop); it is not watched')).length === 2, 'not one warning per link')
      const first = await server!.cpuMicros()
      const wall = performance.now()
      await until('two seconds idle', () => performance.now() - wall > 2000, true, 5000)
      const second = await server!.cpuMicros()
      const cpuShare = (second - first) / 1000 / (performance.now() - wall)
      check(cpuShare < 0.05, `${Math.round(cpuShare * 100)} % of a core while idle`)
    },
  },
  {
    name: 'watching: a folder named like a wizard (x_wizard.ts/) is no failure',
    tries: 1,
    setup: () => DevServerProcess.start(three, { plugin: { dirs: ['wizards'] } }),
    async run(_attempt, server) {
      await shell(
        server!.root,
        `mkdir wizards/folder_wizard.ts && ${writeCommand('wizards/folder_wizard.ts/inner_wizard.ts', wizardSource('InnerWizard', 'inner'))}`,
      )
      await until('the file inside it registered', async () => (await server!.registry()).outputs.inner, 'inner')
      await server!.idle()
      check(
        (await server!.events()).every((event) => event.type !== 'failed'),
        'a failure was reported',
      )
    },
  },
  {
    name: 'one save = one register: with another plugin loading and transforming wizard code',
    tries: 10,
    setup: () =>
      DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'] }, rewritingPlugin: true }),
    async run(attempt, server) {
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', `v${attempt}`))
      await until('registered', async () => (await server!.registry()).outputs.debug, `v${attempt}`)
      await server!.idle()
      const { registers } = await server!.registry()
      check(registers.debug === attempt + 1, `${registers.debug} register calls after ${attempt} saves (+1 initial)`)
    },
  },
  {
    name: 'watching: a .json and a ?raw file inside dirs reload the wizard importing them',
    tries: 4,
    setup: () =>
      DevServerProcess.start(
        {
          'wizards/data/prompts.json': JSON.stringify({ greeting: 'p0' }),
          'wizards/data/banner.txt': 'b0',
          'wizards/greet_wizard.ts': `import prompts from './data/prompts.json'\nimport banner from './data/banner.txt?raw'\nexport class GreetWizard { run() { return prompts.greeting + ' ' + banner } }\n`,
        },
        { plugin: { dirs: ['wizards'] } },
      ),
    async run(attempt, server) {
      const current = String((await server!.registry()).outputs.greet).split(' ')
      const next = attempt % 2 === 1 ? [`p${attempt}`, current[1]] : [current[0], `b${attempt}`]
      if (attempt % 2 === 1) fs.writeFileSync(server!.path('wizards/data/prompts.json'), JSON.stringify({ greeting: next[0] }))
      else fs.writeFileSync(server!.path('wizards/data/banner.txt'), next[1])
      await until('the importing wizard reloaded', async () => (await server!.registry()).outputs.greet, next.join(' '))
    },
  },
  {
    name: 'one failing save written as truncate-then-write is one failure event',
    tries: 30,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(attempt, server) {
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', `ok ${attempt}`))
      await until('a good version first', async () => (await server!.registry()).outputs.debug, `ok ${attempt}`)
      await server!.idle()
      const before = (await server!.events()).length
      const gap = (attempt % 5) * 0.004
      await shell(
        server!.root,
        `: > wizards/debug_wizard.ts && sleep ${gap} && printf 'export class DebugWizard {\\n  run() { return "x" +\\n}\\n' > wizards/debug_wizard.ts`,
      )
      await until(
        'a syntax failure',
        () => server!.events(),
        (all) => all.slice(before).some((event) => event.type === 'failed' && event.error?.kind === 'syntax'),
      )
      await server!.idle()
      const failures = (await server!.events()).slice(before).filter((event) => event.type === 'failed')
      check(failures.length === 1, `failures: ${failures.map((event) => event.error?.kind).join(', ')}`)
    },
  },
  {
    name: 'watching: polling (for mounts without file-system events)',
    tries: 5,
    setup: () => DevServerProcess.start(three, { plugin: { dirs: ['wizards'], polling: 100 } }),
    async run(attempt, server) {
      fs.writeFileSync(server!.path('wizards/a_wizard.ts'), wizardSource('AWizard', `a${attempt}`))
      fs.writeFileSync(server!.path(`wizards/sub/p${attempt}_wizard.ts`), wizardSource(`P${attempt}Wizard`, 'polled'))
      await until(
        'seen by polling',
        async () => {
          const { outputs } = await server!.registry()
          return [outputs.a, outputs[`p${attempt}`]]
        },
        [`a${attempt}`, 'polled'],
      )
    },
  },
]
