import fs from 'node:fs'
import path from 'node:path'
import { apiRun } from './fixtures.ts'
import { expect, serverOf, test } from './extension-fixtures.ts'

/** Issue #21: the popup lists each paired dev server's wizards, and Retry / Undo go through the panel's request path. */

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')

test("the popup: each wizard's state and version; Undo and Retry answered by the dev server", async ({ extension, playground }) => {
  await extension.pairWithoutTab(playground)
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace(/return 'Hello from the greeting wizard'/, "return 'Hello v2'"))
  await expect.poll(async () => (await apiRun(playground, 'greeting')).output).toBe('Hello v2')

  const popup = await extension.popup()
  const server = popup.locator(`section.server[data-server="${serverOf(playground)}"]`)
  const greeting = server.locator('li.wizard[data-wizard-id="greeting"]')
  await expect(greeting).toHaveAttribute('data-state', 'ok')
  await expect(greeting.locator('.meta')).toHaveText('v2 · ok')

  await greeting.getByRole('button', { name: 'Undo' }).click()
  await expect(server.locator('.notice')).toHaveText('greeting is back at v1')
  await expect(greeting.locator('.meta')).toHaveText('v1 · pinned')
  expect((await apiRun(playground, 'greeting')).output).toBe('Hello from the greeting wizard')

  // Retry reloads the file on disk (v2's source): the pin goes, the API serves it again.
  await greeting.getByRole('button', { name: 'Retry' }).click()
  await expect(server.locator('.notice')).toHaveText(/^greeting reloaded: v\d+$/)
  await expect(greeting).toHaveAttribute('data-state', 'ok')
  expect((await apiRun(playground, 'greeting')).output).toBe('Hello v2')

  // A broken wizard: its failure in a line; Retry of a file that still fails says why.
  playground.edit('wizards/report_wizard.ts', (code) => `${code}\nthis is not TypeScript\n`)
  const report = server.locator('li.wizard[data-wizard-id="report"]')
  await expect(report).toHaveAttribute('data-state', 'failed')
  await expect(report.locator('.failure')).toHaveText(/^syntax · wizards\/report_wizard\.ts:\d+ — /)
  fs.mkdirSync(screenshotDir, { recursive: true })
  await popup.locator('#popup').screenshot({ path: path.join(screenshotDir, 'extension-popup.png') })
  await report.getByRole('button', { name: 'Retry' }).click()
  await expect(server.locator('.notice')).toHaveAttribute('role', 'alert')
  await expect(server.locator('.notice')).toContainText('SyntaxError')
})
