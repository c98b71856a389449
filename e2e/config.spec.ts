import fs from 'node:fs'
import path from 'node:path'
import { apiRun, expect, screenshotWhenSettled, test, toast } from './fixtures.ts'

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')
const CONFIG = 'wizards/standup_wizard.config.yaml'
const ORIGINAL = 'Good morning, Ana, Bo, Chen — 15 min'

test('config file: an edit reloads the config (no code), a broken YAML shows its frame while the old config serves, a schema violation names the key', async ({
  page,
  playground,
}) => {
  await playground.open(page)
  await expect(page.getByTestId('output-standup')).toHaveText(ORIGINAL)

  playground.edit(CONFIG, (yaml) => yaml.replace('greeting: Good morning', 'greeting: Hi').replace('timebox: 15', 'timebox: 10'))
  const success = toast(page, 'standup', 'reloaded')
  await expect(success).toContainText('standup config reloaded')
  await expect(page.getByTestId('output-standup')).toHaveText('Hi, Ana, Bo, Chen — 10 min')
  await expect(page.getByTestId('version-standup')).toHaveText('v2')
  expect((await apiRun(playground, 'standup')).output).toBe('Hi, Ana, Bo, Chen — 10 min')

  // A YAML indentation slip: the failure points into the YAML, the previous config keeps serving.
  playground.edit(CONFIG, (yaml) => yaml.replace('  - Bo', ' - Bo'))
  const failure = toast(page, 'standup', 'failed')
  await expect(failure.locator('.kind')).toHaveText('config')
  await expect(failure.locator('.message')).toContainText('wizards/standup_wizard.config.yaml:')
  await expect(failure.locator('a.loc')).toHaveText(/^wizards\/standup_wizard\.config\.yaml:\d+:\d+$/)
  await expect(failure.locator('pre.frame .hl')).toContainText(' - Bo')
  await expect(failure).toContainText('The previous version keeps serving.')
  expect((await apiRun(playground, 'standup')).output).toBe('Hi, Ana, Bo, Chen — 10 min')
  fs.mkdirSync(screenshotDir, { recursive: true })
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-config-failure.png'))

  // Valid YAML, but the schema says no: the message names the key, the frame shows it.
  playground.edit(CONFIG, (yaml) => yaml.replace(' - Bo', '  - Bo').replace('timebox: 10', 'timebox: -5'))
  await expect(failure.locator('.message')).toContainText('timebox:')
  await expect(failure.locator('pre.frame .hl')).toContainText('timebox: -5')
  expect((await apiRun(playground, 'standup')).output).toBe('Hi, Ana, Bo, Chen — 10 min')

  playground.edit(CONFIG, (yaml) => yaml.replace('timebox: -5', 'timebox: 5'))
  await expect(failure).toHaveCount(0)
  await expect(page.getByTestId('output-standup')).toHaveText('Hi, Ana, Bo, Chen — 5 min')
})
