import { BADGE, breakGreeting, expect, panelOf, serverOf, test } from './extension-fixtures.ts'

/** Issue #21: system notifications of failures and recoveries, not while the app is in front, and what a click does. */

test('a failure is notified with wizard, kind and file:line, once per change of state; then the recovery', async ({ extension, playground }) => {
  await extension.pairWithoutTab(playground)
  const id = `wizard-hot-reload|${serverOf(playground)}|w:greeting`

  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  await expect
    .poll(() => extension.created())
    .toEqual([
      {
        id,
        title: 'greeting failed to reload',
        message: expect.stringMatching(/^syntax · wizards\/greeting_wizard\.ts:\d+\n.*SyntaxError.*\nThe previous version keeps serving\.$/),
        contextMessage: expect.stringContaining(new URL(playground.url).host),
      },
    ])
  // Still broken, differently (it throws as it loads): the same state, so no second notification — the list
  // below would have it between the failure and the recovery (events are handled in order).
  playground.edit(
    'wizards/greeting_wizard.ts',
    (code) => `throw new Error('not yet')\n${code.replace("'Hello from the greeting wizard' +", "'Hello from the greeting wizard'")}`,
  )
  await expect.poll(async () => (await extension.views())[0].wizards.find((wizard) => wizard.wizardId === 'greeting')?.failure?.kind).toBe('evaluate')
  playground.edit('wizards/greeting_wizard.ts', (code) =>
    code.replace("throw new Error('not yet')\n", '').replace("'Hello from the greeting wizard'", "'Hello, fixed'"),
  )
  await expect
    .poll(async () => (await extension.created()).map((notification) => notification.title))
    .toEqual(['greeting failed to reload', 'greeting works again'])
  expect((await extension.created())[1]).toMatchObject({ id, message: expect.stringMatching(/^v\d+ reloaded$/) })
  // The real notification is there too (the system's), under the wizard's id.
  expect(Object.keys(await (await extension.worker()).evaluate(() => chrome.notifications.getAll()))).toContain(id)
})

test('none while the app tab is in front (its toast shows it); a burst of failures is one summary', async ({ extension, playground }) => {
  const page = await extension.pairFromPanel(playground)
  await page.bringToFront()
  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  await expect.poll(() => extension.recent()).toEqual([{ server: serverOf(playground), wizards: ['greeting'], shown: [], appInFront: true }])
  expect(await extension.created()).toEqual([])

  // Another tab in front: a branch switch breaking 12 wizards at once is one notification.
  const other = await extension.context.newPage()
  await other.goto('about:blank')
  await other.bringToFront()
  for (let i = 0; i < 12; i++) playground.write(`wizards/broken${i}_wizard.ts`, `export class Broken${i}Wizard { run() { return 'x' + } }\n`)
  await expect
    .poll(() => extension.created())
    .toEqual([
      {
        id: `wizard-hot-reload|${serverOf(playground)}|*`,
        title: '12 wizards changed: 12 failed',
        message: expect.stringMatching(/^broken\d+, .*, and 6 more$/),
        contextMessage: expect.stringContaining(new URL(playground.url).host),
      },
    ])
  expect((await extension.recent()).at(-1)).toMatchObject({ appInFront: false, wizards: expect.arrayContaining(['broken0', 'broken11']) })
  await expect.poll(() => extension.badge()).toEqual({ text: '13', color: BADGE.failing })
})

test('a click on a notification opens the app with the panel on that wizard, or focuses its open tab and opens the panel there', async ({
  extension,
  playground,
}) => {
  await extension.pairWithoutTab(playground)
  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  const id = `wizard-hot-reload|${serverOf(playground)}|w:greeting`
  await expect.poll(async () => (await extension.created()).map((notification) => notification.id)).toEqual([id])

  // No tab of the app: a new one, deep-linked; the overlay opens the panel on the wizard and clears the link.
  const opened = extension.context.waitForEvent('page', { predicate: (candidate) => candidate.url().startsWith(playground.url) })
  await extension.clickNotification(id)
  const app = await opened
  await expect(panelOf(app).locator('.wizard[aria-current="true"]')).toHaveAttribute('data-wizard-id', 'greeting')
  await expect(panelOf(app).locator('.details .failure')).toContainText('SyntaxError')
  await expect.poll(() => new URL(app.url()).hash).toBe('')

  // The app's tab open on another wizard, the panel closed, another tab in front: that tab comes to the front, told through the bridge (no reload).
  await panelOf(app).locator('.wizard[data-wizard-id="report"]').click()
  await app.keyboard.press('Escape')
  await expect(panelOf(app)).toHaveCount(0)
  await app.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true))
  const other = await extension.context.newPage()
  await other.goto('about:blank')
  await other.bringToFront()
  await extension.clickNotification(id)
  await expect(panelOf(app).locator('.wizard[aria-current="true"]')).toHaveAttribute('data-wizard-id', 'greeting')
  expect(await app.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true)
  expect(await app.evaluate(() => document.visibilityState)).toBe('visible')
})
