import { expect, test } from './extension-fixtures.ts'

/** Issue #21: the toolbar badge counts failing wizards across paired dev servers, with no app tab open. */

const RED = '#d93025'
const GREEN = '#1e8e3e'
const GREY = '#80868b'
const BREAK = (code: string) => code.replace("return 'Hello from the greeting wizard'", "return 'Hello from the greeting wizard' +")

test('the badge goes 0 → 1 → 0 as a wizard breaks and is fixed, with no app tab open', async ({ extension, playground }) => {
  const page = await extension.pairFromPanel(playground)
  await page.close()
  await expect.poll(() => extension.context.pages().filter((open) => open.url().startsWith('http')).length).toBe(0)
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: GREEN })

  playground.edit('wizards/greeting_wizard.ts', BREAK)
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: RED })
  playground.edit('wizards/report_wizard.ts', (code) => `${code}\nthis is not TypeScript\n`)
  await expect.poll(() => extension.badge()).toEqual({ text: '2', color: RED })

  playground.edit('wizards/report_wizard.ts', (code) => code.replace('\nthis is not TypeScript\n', ''))
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: RED })
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello from the greeting wizard' +", "return 'Hello, fixed'"))
  // The brief green mark after the successful reload, then nothing.
  await expect.poll(() => extension.badge()).toEqual({ text: '✓', color: GREEN })
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: GREEN })
})

test('the dev server restarted: grey while it is away, then the truth again (a snapshot, not a replay)', async ({ extension, playground }) => {
  const page = await extension.pairFromPanel(playground)
  await page.close()
  playground.edit('wizards/greeting_wizard.ts', BREAK)
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: RED })

  await playground.restart(async () => {
    await expect.poll(() => extension.badge()).toEqual({ text: 'off', color: GREY })
    // Fixed while the dev server was down: the restarted one loads the good file, and the extension shows that.
    playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello from the greeting wizard' +", "return 'Hello, fixed'"))
  })
  await expect.poll(() => extension.badge(), { timeout: 20_000 }).toEqual({ text: '', color: GREEN })

  // Broken again, restarted again with the broken file: the count comes back from the snapshot.
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello, fixed'", "return 'Hello, fixed' +"))
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: RED })
  await playground.restart(() => expect.poll(() => extension.badge()).toEqual({ text: 'off', color: GREY }))
  await expect.poll(async () => (await extension.views())[0].link.state).toBe('connected')
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: RED })
  const [view] = await extension.views()
  expect(view.wizards).toContainEqual(expect.objectContaining({ wizardId: 'greeting', state: 'failed' }))
})
