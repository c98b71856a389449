import fs from 'node:fs'
import { DevServerProcess } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { manyWizards, wizardSource } from '../wizard-files.ts'

const hangs = `await new Promise(() => {})\n${wizardSource('DebugWizard', 'never')}`

export const stuckCases: ReliabilityCase[] = [
  {
    name: 'stuck: a top level that never settles fails with timeout; the next save reloads',
    tries: 3,
    setup: () =>
      DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0, loadTimeout: 500 } }),
    async run(attempt, server) {
      const before = (await server!.events()).length
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), hangs)
      const events = await until(
        'a timeout failure',
        () => server!.events(),
        (all) => all.slice(before).some((event) => event.type === 'failed' && event.error?.kind === 'timeout'),
      )
      check(events.slice(before).filter((event) => event.type === 'failed').length === 1, 'more than one failure for one save')
      check((await server!.registry()).outputs.debug === `v${attempt - 1}`, 'the previous class did not stay registered')
      await server!.idle()
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', `v${attempt}`))
      await until('the fixed file registered', async () => (await server!.registry()).outputs.debug, `v${attempt}`)
    },
  },
  {
    name: 'stuck: one hung wizard at start; the others register and the start line prints',
    tries: 1,
    setup: () => DevServerProcess.start({ ...manyWizards(30, 'r0'), 'wizards/debug_wizard.ts': hangs }, { plugin: { dirs: ['wizards'], loadTimeout: 1000 } }),
    async run(_attempt, server) {
      const { outputs } = await server!.registry()
      check(Object.keys(outputs).length === 30, `${Object.keys(outputs).length} of 30 registered`)
      check(
        (await server!.logs()).some((line) => /loaded 30 wizards from wizards in \d+ ms, 1 failed/.test(line)),
        'no "loaded 30 wizards" line',
      )
    },
  },
]
