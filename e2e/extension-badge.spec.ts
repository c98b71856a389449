import { apiRun } from './fixtures.ts'
import { BADGE, breakGreeting, expect, fixGreeting, serverOf, test, type ExtensionBrowser } from './extension-fixtures.ts'
import type { Playground } from './playground.ts'

/** Issue #21: the toolbar badge counts failing wizards across paired dev servers, with no app tab open. */

/** Paired with no app tab open, and the greeting wizard broken: the badge says 1. */
async function pairedAndBroken(extension: ExtensionBrowser, playground: Playground): Promise<void> {
  await extension.pairWithoutTab(playground)
  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
}

test('the badge goes 0 → 1 → 0 as a wizard breaks and is fixed, with no app tab open', async ({ extension, playground }) => {
  await extension.pairWithoutTab(playground)
  await expect.poll(() => extension.context.pages().filter((open) => open.url().startsWith('http')).length).toBe(0)
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: BADGE.success })

  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
  playground.edit('wizards/report_wizard.ts', (code) => `${code}\nthis is not TypeScript\n`)
  await expect.poll(() => extension.badge()).toEqual({ text: '2', color: BADGE.failing })

  playground.edit('wizards/report_wizard.ts', (code) => code.replace('\nthis is not TypeScript\n', ''))
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
  playground.edit('wizards/greeting_wizard.ts', fixGreeting)
  // The brief green mark after the successful reload, then nothing.
  await expect.poll(() => extension.badge()).toEqual({ text: '✓', color: BADGE.success })
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: BADGE.success })
})

test('the dev server restarted: grey while it is away, then the truth again (a snapshot, not a replay)', async ({ extension, playground }) => {
  await pairedAndBroken(extension, playground)

  await playground.restart(async () => {
    await expect.poll(() => extension.badge()).toEqual({ text: 'off', color: BADGE.unreachable })
    // Fixed while the dev server was down: the restarted one loads the good file, and the extension shows that.
    playground.edit('wizards/greeting_wizard.ts', fixGreeting)
  })
  await expect.poll(() => extension.badge(), { timeout: 20_000 }).toEqual({ text: '', color: BADGE.success })

  // Broken again, restarted again with the broken file: the count comes back from the snapshot.
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello, fixed'", "return 'Hello, fixed' +"))
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
  await playground.restart(() => expect.poll(() => extension.badge()).toEqual({ text: 'off', color: BADGE.unreachable }))
  await expect.poll(async () => (await extension.views())[0].link.state).toBe('connected')
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
  const [view] = await extension.views()
  expect(view.wizards).toContainEqual(expect.objectContaining({ wizardId: 'greeting', state: 'failed' }))
})

test('the service worker suspended: a fresh one, woken by the popup, reconnects and shows the truth (a fix made while it was stopped included)', async ({
  extension,
  playground,
}) => {
  await pairedAndBroken(extension, playground)
  await (await extension.worker()).evaluate(() => Object.assign(globalThis, { beforeSuspension: true }))

  await extension.suspend()
  // Fixed while nothing of the extension runs: no event reaches it.
  playground.edit('wizards/greeting_wizard.ts', fixGreeting)
  await expect.poll(async () => (await apiRun(playground, 'greeting')).output).toBe('Hello, fixed')

  // The popup wakes it (as its alarm would, within 30 s): pairings from storage, a link each, a snapshot.
  const popup = await extension.popup()
  await expect(popup.locator('li.wizard[data-wizard-id="greeting"]')).toHaveAttribute('data-state', 'ok')
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: BADGE.success })
  expect(await (await extension.worker()).evaluate(() => 'beforeSuspension' in globalThis)).toBe(false)
  // What it had told (greeting failed) outlived it: the snapshot's fix is a recovery, notified by the fresh worker.
  await expect
    .poll(() => extension.recent())
    .toEqual([expect.objectContaining({ wizards: ['greeting'], shown: [`wizard-hot-reload|${serverOf(playground)}|w:greeting`] })])
})
