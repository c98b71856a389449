import path from 'node:path'
import { expect, screenshotWhenSettled, test, toast } from './fixtures.ts'

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')

test('a session half-way through a multi-step wizard goes on with the fixed step 2 and keeps its answers (patch mode)', async ({ page, playground }) => {
  await playground.open(page)
  await page.getByRole('button', { name: 'Start a session' }).click()
  await expect(page.getByTestId('session-prompt')).toHaveText('Step 1 — your name?')
  await page.getByTestId('session-answer').fill('Ada')
  await page.getByRole('button', { name: 'Answer' }).click()
  await expect(page.getByTestId('session-prompt')).toHaveText('Step 2 — your team?')
  await page.getByTestId('session-answer').fill('Platform')
  await page.getByRole('button', { name: 'Answer' }).click()
  await expect(page.getByTestId('session-prompt')).toHaveText('"Platform" is not a team. Step 2 — your team?')

  // The fix, saved while the session waits at step 2.
  playground.edit('wizards/onboarding_wizard.ts', (code) => code.replace("if (!team.includes('@'))", "if (team.trim() === '')"))
  const patched = toast(page, 'onboarding', 'reloaded')
  await patched.hover()
  await expect(patched.locator('.patched')).toHaveText('members: 1 patched — step2')
  await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-patched.png'))
  await page.mouse.move(0, 0)

  await page.getByTestId('session-answer').fill('Platform')
  await page.getByRole('button', { name: 'Answer' }).click()
  await expect(page.getByTestId('session-prompt')).toHaveText('Done: Ada, Platform')
  await expect(page.getByTestId('session-answers')).toHaveText('answers so far: Ada, Platform')

  // A change patching cannot do faithfully (a new field the running session lacks) replaces the class, and says why.
  playground.edit('wizards/onboarding_wizard.ts', (code) => code.replace('answers: string[] = []', 'answers: string[] = []\n  startedAt = Date.now()'))
  const replaced = toast(page, 'onboarding', 'reloaded')
  await replaced.hover()
  await expect(replaced.locator('.patched.fallback')).toContainText('class replaced, not patched')
  await expect(replaced.locator('.patched.fallback')).toContainText('startedAt')
})
