import { expect, test } from '@playwright/test'
import { startPlayground } from './playground.ts'

test('with overlay: false nothing is injected, while the client API still gets the events', async ({ page }) => {
  const playground = await startPlayground({
    prepare: ({ edit }) =>
      edit('vite.config.ts', (code) => code.replace("wizardHotReload({ dirs: ['wizards'],", "wizardHotReload({ overlay: false, dirs: ['wizards'],")),
  })
  try {
    await playground.open(page)
    await expect(page.getByTestId('output-greeting')).toHaveText('Hello from the greeting wizard')
    playground.edit('wizards/greeting_wizard.ts', (code) => code.replace('Hello from the greeting wizard', 'No overlay here'))
    await expect(page.getByTestId('output-greeting')).toHaveText('No overlay here')
    await expect(page.getByTestId('last-event')).toContainText('greeting reloaded')
    expect(await page.locator('wizard-hot-reload-overlay').count()).toBe(0)
    expect(await page.evaluate(() => [...document.scripts].map((script) => script.src).filter((src) => src.includes('wizard-hot-reload')))).toEqual([])

    // Without the overlay, the client API still learns at load about a wizard that is broken.
    playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'No overlay here'", "return 'No overlay here' +"))
    await expect(page.getByTestId('last-event')).toContainText('greeting failed (syntax)')
    await page.reload()
    await expect(page.getByTestId('last-event')).toContainText('greeting failed (syntax)')
  } finally {
    await playground.close()
  }
})
