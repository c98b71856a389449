import fs from 'node:fs'
import path from 'node:path'
import { apiRun, countHmrFrames, expect, screenshotWhenSettled, test, toast } from './fixtures.ts'

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')

test('edit → success toast, and the page shows the new output without reloading', async ({ page, playground }) => {
  await playground.open(page)
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello from the greeting wizard')
  await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true))

  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace('Hello from the greeting wizard', 'Hello again, edited'))
  const success = toast(page, 'greeting', 'reloaded')
  // The pointer over the toast holds it (it would go away after 3 s): every assertion below sees it.
  await success.hover()
  await expect(success).toContainText('greeting reloaded')
  await expect(success).toContainText('reload #1')
  await expect(success).toHaveAttribute('aria-live', 'polite')
  fs.mkdirSync(screenshotDir, { recursive: true })
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-success.png'))
  await page.mouse.move(0, 0)
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello again, edited')
  expect(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true)

  await page.getByRole('listitem').filter({ hasText: 'Greeting' }).getByRole('button', { name: 'Run' }).click()
  await expect(page.getByTestId('run-greeting')).toHaveText('last run: Hello again, edited')
  // Success toasts go away by themselves (default 3000 ms).
  await expect(success).toHaveCount(0)
})

test('syntax error → failure toast with file:line and code frame, the API keeps serving the old version; reload shows it again; fix clears it', async ({
  page,
  playground,
}) => {
  await playground.open(page)
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello from the greeting wizard')

  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello from the greeting wizard'", "return 'Hello from the greeting wizard' +"))
  const failure = toast(page, 'greeting', 'failed')
  await expect(failure).toBeVisible()
  await expect(failure).toHaveAttribute('role', 'alert')
  await expect(failure.locator('.kind')).toHaveText('syntax')
  await expect(failure.locator('.message')).toContainText('SyntaxError')
  await expect(failure.locator('a.loc')).toHaveText(/^wizards\/greeting_wizard\.ts:\d+:\d+$/)
  await expect(failure.locator('pre.frame')).toContainText("return 'Hello from the greeting wizard' +")
  await expect(failure.locator('pre.frame .hl')).toHaveText(/^> \d+ \|\s+}$/)
  await expect(failure).toContainText('The previous version keeps serving.')
  await expect(page.getByTestId('last-event')).toContainText('greeting failed (syntax)')
  expect(await apiRun(playground, 'greeting')).toMatchObject({ output: 'Hello from the greeting wizard' })

  fs.mkdirSync(screenshotDir, { recursive: true })
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-failure.png'))
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(failure).toHaveCSS('background-color', 'rgb(28, 33, 40)')
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-failure-dark.png'))
  await page.emulateMedia({ colorScheme: 'light' })

  // Failures stay; a page loaded now is told at once — the overlay and the page's own
  // onWizardFailed read one store, which asks once: one snapshot, one toast (no "×2"), one callback.
  const snapshots = countHmrFrames(page, 'wizard-hot-reload:state')
  await page.reload()
  await expect(toast(page, 'greeting', 'failed')).toBeVisible()
  await expect(toast(page, 'greeting', 'failed').locator('a.loc')).toHaveText(/greeting_wizard\.ts:\d+:\d+/)
  await expect.poll(snapshots).toBe(1)
  await expect(page.getByTestId('last-event')).toHaveAttribute('data-failure-callbacks', '1')
  await expect(toast(page, 'greeting', 'failed')).toHaveCount(1)
  await expect(toast(page, 'greeting', 'failed').locator('.badge')).toHaveCount(0)
  expect(snapshots()).toBe(1)

  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace("return 'Hello from the greeting wizard' +", "return 'Fixed greeting'"))
  await expect(toast(page, 'greeting', 'failed')).toHaveCount(0)
  await expect(toast(page, 'greeting', 'reloaded')).toBeVisible()
  await expect(page.getByTestId('output-greeting')).toHaveText('Fixed greeting')
})

test('the failure toast is reachable by keyboard and Escape dismisses it', async ({ page, playground }) => {
  await playground.open(page)
  playground.edit('wizards/report_wizard.ts', (code) =>
    code.replace("import { banner } from './shared/format.ts'", "import { banner } from './shared/missing.ts'"),
  )
  const failure = toast(page, 'report', 'failed')
  await expect(failure.locator('.kind')).toHaveText('import')
  const dismiss = failure.getByRole('button', { name: 'Dismiss report notification' })
  await dismiss.focus()
  await expect(dismiss).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(failure).toHaveCount(0)
})

test('a new wizard file appears in the list; a deleted one disappears', async ({ page, playground }) => {
  await playground.open(page)
  await expect(page.locator('[data-wizard]')).toHaveCount(7)
  playground.write('wizards/triage_wizard.ts', "export class TriageWizard {\n  static title = 'Triage'\n  run() { return 'sorted 4 tickets' }\n}\n")
  await expect(page.getByTestId('output-triage')).toHaveText('sorted 4 tickets')
  await expect(toast(page, 'triage', 'reloaded')).toBeVisible()

  playground.remove('wizards/greeting_wizard.ts')
  await expect(page.locator('[data-wizard="greeting"]')).toHaveCount(0)
  await expect(toast(page, 'greeting', 'removed')).toBeVisible()
  await expect(page.locator('[data-wizard]')).toHaveCount(7)
})

test('a helper edit updates the wizards that depend on it; a broken helper shows one toast naming them', async ({ page, playground }) => {
  await playground.open(page)
  await expect(page.getByTestId('output-report')).toHaveText('** 3 reviews, 1 incident **')
  playground.edit('wizards/shared/format.ts', (code) => code.replace('`** ${text} **`', '`== ${text} ==`'))
  await expect(page.getByTestId('output-report')).toHaveText('== 3 reviews, 1 incident ==')
  await expect(page.getByTestId('output-digest')).toHaveText('== 2 deploys, 0 rollbacks ==')
  await expect(toast(page, 'report', 'reloaded')).toBeVisible()
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello from the greeting wizard')

  playground.edit('wizards/shared/format.ts', (code) => code.replace('return `== ${text} ==`', 'return `== ${text} ==` +'))
  const shared = page.locator('wizard-hot-reload-overlay .toast[data-toast="failed"]')
  await expect(shared).toHaveCount(1)
  await expect(shared.locator('.title')).toHaveText('2 wizards failed to reload')
  await expect(shared.locator('.ids')).toContainText(/digest, report|report, digest/)
  await expect(shared.locator('a.loc')).toHaveText(/^wizards\/shared\/format\.ts:\d+:\d+$/)
  expect(await apiRun(playground, 'digest')).toMatchObject({ output: '== 2 deploys, 0 rollbacks ==' })
  fs.mkdirSync(screenshotDir, { recursive: true })
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-shared-failure.png'))

  playground.edit('wizards/shared/format.ts', (code) => code.replace('return `== ${text} ==` +', 'return `## ${text}`'))
  await expect(shared).toHaveCount(0)
  await expect(page.getByTestId('output-digest')).toHaveText('## 2 deploys, 0 rollbacks')
})

test("the reference's plain WebSocket browser snippet receives wizard_reloaded", async ({ page, playground }) => {
  await playground.open(page)
  await page.evaluate(async () => {
    const w = window as unknown as { hotReloadMessages: unknown[] }
    w.hotReloadMessages = []
    // The snippet from the original design document.
    const ws = new WebSocket(`ws://${location.host}/ws/hot-reload`)
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data)
      w.hotReloadMessages.push(message)
    }
    await new Promise((resolve) => (ws.onopen = resolve))
  })
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { hotReloadMessages: Array<{ event: string }> }).hotReloadMessages.map((m) => m.event)))
    .toEqual(['connected'])
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace('Hello from the greeting wizard', 'Hi over the socket'))
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { hotReloadMessages: unknown[] }).hotReloadMessages.at(-1)))
    .toMatchObject({ event: 'wizard_reloaded', wizard_id: 'greeting', success: true, reload_count: 1 })
})

test('a wizard keeps state across versions (import.meta.hot.data) and its timer does not outlive its version (dispose)', async ({ page, playground }) => {
  await playground.open(page)
  await expect(page.getByTestId('output-heartbeat')).toHaveText('load #1, 1 timer running')
  await expect(page.getByTestId('version-heartbeat')).toHaveText('v1')
  for (const load of [2, 3]) {
    playground.edit('wizards/heartbeat_wizard.ts', (code) => code.replace(/static title = '[^']*'/, `static title = 'Heartbeat ${load}'`))
    await expect(page.getByTestId('output-heartbeat')).toHaveText(`load #${load}, 1 timer running`)
    await expect(page.getByTestId('version-heartbeat')).toHaveText(`v${load}`)
  }
  // A broken save disposes nothing that runs: the last good version keeps its timer.
  playground.edit('wizards/heartbeat_wizard.ts', (code) => code.replace('export class HeartbeatWizard {', 'export class HeartbeatWizard {{'))
  await expect(toast(page, 'heartbeat', 'failed')).toBeVisible()
  expect(await apiRun(playground, 'heartbeat')).toMatchObject({ output: 'load #3, 1 timer running' })
})
