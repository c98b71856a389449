import { afterEach, expect, test } from 'vitest'
import {
  WIZARD_EVENTS,
  type WizardFailedPayload,
  type WizardReloadedPayload,
  type WizardRemovedPayload,
  type WizardStatePayload,
} from '../../client/protocol.ts'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { ViteHmrClient } from '../vite-hmr-client.ts'

let project: TempProject | undefined
const clients: ViteHmrClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await project?.close()
  project = undefined
})

async function connect(p: TempProject) {
  const client = await ViteHmrClient.connect(p.server)
  clients.push(client)
  return client
}

test("reloaded / failed / removed arrive on Vite's HMR channel; a page that says ready gets one snapshot of the current failures", async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'wizards/gone_wizard.ts': wizardSource('GoneWizard', 'bye') },
  }))
  const page = await connect(p)

  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => page.custom<WizardReloadedPayload>(WIZARD_EVENTS.reloaded).length).toBe(1)
  const reloaded = page.custom<WizardReloadedPayload>(WIZARD_EVENTS.reloaded)[0]
  expect(reloaded).toEqual({
    wizardId: 'debug',
    file: p.path('wizards/debug_wizard.ts'),
    version: 2,
    reloadCount: 1,
    durationMs: expect.any(Number),
    phases: { detectMs: expect.any(Number), loadMs: expect.any(Number), registerMs: expect.any(Number), disposeMs: expect.any(Number) },
    reason: 'code',
    added: false,
    configFile: null,
    timestamp: expect.any(Number),
  })
  expect(reloaded.phases.loadMs).toBeGreaterThan(0)
  expect(reloaded.phases.loadMs + reloaded.phases.registerMs + reloaded.phases.disposeMs).toBeLessThanOrEqual(reloaded.durationMs + 0.3)

  p.write('wizards/debug_wizard.ts', `export class DebugWizard {\n  run() { return ( }\n}\n`)
  await expect.poll(() => page.custom<WizardFailedPayload>(WIZARD_EVENTS.failed).length).toBe(1)
  const failed = page.custom<WizardFailedPayload>(WIZARD_EVENTS.failed)[0]
  expect(failed).toMatchObject({ wizardId: 'debug', error: { kind: 'syntax', loc: { file: p.path('wizards/debug_wizard.ts'), line: 2 } } })
  expect(failed.error.frame).toContain('> 2 |')

  // A page loaded later (or reloaded) learns about the broken wizard as soon as it says it is ready:
  // one snapshot per ready, the very failure the event carried (so a page applies it idempotently).
  const later = await connect(p)
  later.send(WIZARD_EVENTS.ready, { client: 'overlay' })
  later.send(WIZARD_EVENTS.ready, { client: 'api' })
  await expect.poll(() => later.custom<WizardStatePayload>(WIZARD_EVENTS.state)).toHaveLength(2)
  for (const snapshot of later.custom<WizardStatePayload>(WIZARD_EVENTS.state)) {
    expect(snapshot).toEqual({
      failures: [failed],
      wizards: [
        { wizardId: 'debug', file: p.path('wizards/debug_wizard.ts'), version: 2, state: 'failed' },
        { wizardId: 'gone', file: p.path('wizards/gone_wizard.ts'), version: 1, state: 'ok' },
      ],
    })
  }
  expect(later.custom(WIZARD_EVENTS.failed)).toEqual([])
  expect(page.custom(WIZARD_EVENTS.failed)).toHaveLength(1)
  expect(page.custom(WIZARD_EVENTS.state)).toEqual([])

  p.remove('wizards/gone_wizard.ts')
  await expect
    .poll(() => page.custom<WizardRemovedPayload>(WIZARD_EVENTS.removed))
    .toEqual([{ wizardId: 'gone', file: p.path('wizards/gone_wizard.ts'), timestamp: expect.any(Number) }])

  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
  await expect.poll(() => page.custom(WIZARD_EVENTS.reloaded)).toHaveLength(2)
  const fresh = await connect(p)
  fresh.send(WIZARD_EVENTS.ready, {})
  await expect
    .poll(() => fresh.custom<WizardStatePayload>(WIZARD_EVENTS.state))
    .toEqual([{ failures: [], wizards: [{ wizardId: 'debug', file: p.path('wizards/debug_wizard.ts'), version: 3, state: 'ok' }] }])
})

test('with HMR on, editing a module outside dirs reloads its importers (through hotUpdate)', async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: {
      'src/lib/format.ts': `export const money = (n: number) => '$' + n.toFixed(2)\n`,
      'wizards/price_wizard.ts': `import { money } from '../src/lib/format'\nexport class PriceWizard { run() { return money(3) } }\n`,
    },
  }))
  expect(p.server.config.server.hmr).not.toBe(false)
  p.write('src/lib/format.ts', `export const money = (n: number) => n.toFixed(2) + ' EUR'\n`)
  await expect.poll(() => p.registry.run('price')).toBe('3.00 EUR')
  await p.api.idle()
  expect(p.registry.registerCount('price')).toBe(2)
})
