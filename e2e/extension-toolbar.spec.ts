import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { BADGE, breakGreeting, expect, fixGreeting, test } from './extension-fixtures.ts'

/**
 * The toolbar badge as the user sees it, in a headed Chromium on a virtual X display (Xvfb) with the
 * extension pinned: red with the count, the green mark, grey "off" — each captured from the screen
 * (xwd, ImageMagick), since a page screenshot has no browser toolbar. Needs `apt-get install xvfb
 * x11-apps imagemagick`; without them this test is skipped (the headless specs check the same badge
 * through chrome.action).
 */
const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')
const tools = ['Xvfb', 'xwd', 'convert'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0)

test.skip(!tools, 'needs Xvfb, xwd and ImageMagick (apt-get install xvfb x11-apps imagemagick)')
test.use({
  // eslint-disable-next-line no-empty-pattern
  display: async ({}, use) => {
    // -displayfd: Xvfb picks a free display number and writes it once it is ready.
    const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '900x500x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const display = await new Promise<string>((resolve) => xvfb.stdout.once('data', (data) => resolve(`:${String(data).trim()}`)))
    await use(display)
    xvfb.kill()
  },
})

test('the toolbar badge on screen: red with the count, the green mark after a fix, grey while the dev server is away', async ({
  extension,
  playground,
  display,
}) => {
  /** The toolbar's right end (the pinned extension's button with its badge), from the virtual screen. */
  const capture = (name: string) => {
    const file = path.join(screenshotDir, `.badge-${name}.png`)
    execFileSync('convert', ['xwd:-', '-crop', '140x40+672+46', '+repage', file], {
      input: execFileSync('xwd', ['-root', '-display', display!], { maxBuffer: 64 * 1024 * 1024 }),
    })
    return file
  }
  fs.mkdirSync(screenshotDir, { recursive: true })
  const page = await extension.pairFromPanel(playground)
  await page.goto('about:blank')
  playground.edit('wizards/greeting_wizard.ts', breakGreeting)
  await expect.poll(() => extension.badge()).toEqual({ text: '1', color: BADGE.failing })
  const red = capture('red')
  playground.edit('wizards/greeting_wizard.ts', fixGreeting)
  await expect.poll(() => extension.badge()).toEqual({ text: '✓', color: BADGE.success })
  const green = capture('green')
  await playground.restart(async () => {
    await expect.poll(() => extension.badge()).toEqual({ text: 'off', color: BADGE.unreachable })
    const grey = capture('grey')
    const strip = path.join(screenshotDir, 'extension-badge.png')
    execFileSync('convert', [red, green, grey, '-bordercolor', 'white', '-border', '6', '+append', strip])
    for (const file of [red, green, grey]) fs.rmSync(file)
    expect(fs.statSync(strip).size).toBeGreaterThan(1000)
  })
})
