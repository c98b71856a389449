import fs from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { apiRun, expect, screenshotWhenSettled, test, toast } from './fixtures.ts'

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')
const ORIGINAL = 'Hello from the greeting wizard'

const overlay = (page: Page) => page.locator('wizard-hot-reload-overlay')
const badge = (page: Page) => overlay(page).locator('.wbadge')
const panel = (page: Page) => overlay(page).getByRole('dialog', { name: /Wizards/ })
const timeline = (page: Page) => panel(page).locator('.timeline .entry')

test('history: three edits in the timeline with timings; roll back to the first (pinned); a save unpins; undo; a broken save is in the timeline', async ({
  page,
  playground,
}) => {
  await playground.open(page)
  await expect(page.getByTestId('output-greeting')).toHaveText(ORIGINAL)
  await expect(badge(page)).toHaveAttribute('data-state', 'ok')

  for (const n of [2, 3, 4]) {
    playground.edit('wizards/greeting_wizard.ts', (code) => code.replace(/return '[^']*'/, `return 'Hello v${n}'`))
    await expect(page.getByTestId('output-greeting')).toHaveText(`Hello v${n}`)
    await expect(page.getByTestId('version-greeting')).toHaveText(`v${n}`)
  }

  // The badge opens the panel; the greeting wizard's timeline: its first load and three reloads, with phase bars.
  await badge(page).click()
  await expect(panel(page)).toBeVisible()
  await expect(panel(page).getByRole('heading', { name: /Wizards/ })).toBeFocused()
  await panel(page).locator('.wizard[data-wizard-id="greeting"]').click()
  await expect(panel(page).locator('.details')).toHaveAttribute('data-wizard-id', 'greeting')
  await expect(timeline(page)).toHaveCount(4)
  await expect(
    timeline(page).evaluateAll((entries) => entries.map((entry) => `${(entry as HTMLElement).dataset.outcome}@${(entry as HTMLElement).dataset.version}`)),
  ).resolves.toEqual(['reloaded@4', 'reloaded@3', 'reloaded@2', 'loaded@1'])
  const reloaded = panel(page).locator('.timeline .entry[data-outcome="reloaded"]')
  await expect(reloaded).toHaveCount(3)
  for (let i = 0; i < 3; i++) {
    await expect(reloaded.nth(i).locator('.meta')).toHaveText(/^\d+(\.\d)? ms$/)
    await expect(reloaded.nth(i).locator('.bar')).toHaveAttribute('aria-label', /^detect [\d.]+ ms, load [\d.]+ ms, register [\d.]+ ms, dispose [\d.]+ ms$/)
  }

  // The diff between two versions comes from the server.
  await timeline(page).first().getByRole('button', { name: 'Diff v3 → v4' }).click()
  await expect(panel(page).locator('.diff .del')).toContainText("return 'Hello v3'")
  await expect(panel(page).locator('.diff .add')).toContainText("return 'Hello v4'")

  // Roll back to the first version: the API serves it, the wizard is pinned.
  await timeline(page).last().getByRole('button', { name: 'Roll back to v1' }).click()
  await expect(panel(page).locator('.notice')).toHaveText('greeting rolled back to v1')
  await expect.poll(async () => (await apiRun(playground, 'greeting')).output).toBe(ORIGINAL)
  await expect(page.getByTestId('output-greeting')).toHaveText(ORIGINAL)
  await expect(page.getByTestId('pinned-greeting')).toBeVisible()
  await expect(panel(page).locator('.wizard[data-wizard-id="greeting"] .meta')).toHaveText('v1 · pinned')
  await expect(panel(page).locator('.pinned-note')).toContainText('the file on disk is newer')
  await expect(timeline(page).first()).toHaveAttribute('data-outcome', 'rolled-back')
  await expect.poll(() => playground.logs.join('\n').replace(/\x1b\[[\d;]*m/g, '')).toContain('greeting rolled back to v1 — the file on disk is newer')

  fs.mkdirSync(screenshotDir, { recursive: true })
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-panel.png'))
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(panel(page)).toHaveCSS('background-color', 'rgb(28, 33, 40)')
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-panel-dark.png'))
  await page.emulateMedia({ colorScheme: 'light' })

  // Escape closes the panel; the badge says "pinned".
  await page.keyboard.press('Escape')
  await expect(panel(page)).toHaveCount(0)
  await expect(badge(page)).toHaveAttribute('data-state', 'pinned')
  await expect(badge(page)).toContainText('1 pinned')
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-badge.png'))

  // A save of the file unpins it: the saved version serves.
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace(/return '[^']*'/, "return 'Hello v5'"))
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello v5')
  await expect(badge(page)).toHaveAttribute('data-state', 'ok')
  await expect(page.getByTestId('pinned-greeting')).toHaveCount(0)
  expect((await apiRun(playground, 'greeting')).output).toBe('Hello v5')

  // Undo (the page's own button, through the client helper): back to the version registered before.
  await page.locator('li[data-wizard="greeting"]').getByRole('button', { name: 'Undo' }).click()
  await expect(page.getByTestId('output-greeting')).toHaveText(ORIGINAL)
  await expect(page.getByTestId('last-event')).toHaveText('greeting rolled back to v1')
  await expect(badge(page)).toHaveAttribute('data-state', 'pinned')

  // A broken save: the toast, and the failed attempt in the timeline; the rolled-back version keeps serving.
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello v5'", "return 'Hello v6' +"))
  await expect(toast(page, 'greeting', 'failed')).toBeVisible()
  expect((await apiRun(playground, 'greeting')).output).toBe(ORIGINAL)
  await page.keyboard.press('Alt+Shift+W')
  await expect(panel(page)).toBeVisible()
  await panel(page).locator('.wizard[data-wizard-id="greeting"]').click()
  await expect(timeline(page).first()).toHaveAttribute('data-outcome', 'failed')
  await expect(timeline(page).first().locator('.kind')).toHaveText('syntax')
  await expect(panel(page).locator('.details .failure a.loc')).toHaveText(/^wizards\/greeting_wizard\.ts:\d+:\d+$/)

  // Retry reloads the file now: still broken, said in the panel.
  await panel(page).getByRole('button', { name: 'Retry' }).click()
  await expect(panel(page).locator('.notice.error')).toContainText('SyntaxError')

  // The panel's state survives a page load (localStorage, per origin).
  await page.reload()
  await expect(panel(page)).toBeVisible()
  await expect(panel(page).locator('.wizard[data-wizard-id="greeting"] .meta')).toContainText('broken')
})

test('requests are validated: an unknown version is an error in the panel and nothing changes', async ({ page, playground }) => {
  await playground.open(page)
  await expect(page.getByTestId('output-greeting')).toHaveText(ORIGINAL)
  const answer = await page.evaluate(async () => {
    // The playground exposes the client helper for the console.
    const { wizardActions } = window as unknown as { wizardActions: typeof import('vite-plugin-wizard-hot-reload/client').wizardActions }
    const results: string[] = []
    for (const attempt of [() => wizardActions.rollback('greeting', 99), () => wizardActions.rollback('nobody', 1), () => wizardActions.undo('greeting')]) {
      results.push(
        await attempt().then(
          () => 'ok',
          (error: Error) => error.message,
        ),
      )
    }
    return results
  })
  expect(answer[0]).toMatch(/greeting v99 is not kept in the history/)
  expect(answer[1]).toMatch(/nobody/)
  expect(answer[2]).toMatch(/no earlier version/)
  expect((await apiRun(playground, 'greeting')).output).toBe(ORIGINAL)
  await expect(badge(page)).toHaveAttribute('data-state', 'ok')
})
