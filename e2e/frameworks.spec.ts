import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { freePort } from '../test/free-port.ts'
import { AppRun, FRAMEWORKS } from './frameworks/app-run.ts'
import { STACKS } from './frameworks/stacks.ts'

/**
 * The framework matrix: each stack's real dev server (installed from the registry into
 * e2e/frameworks), set up as the README's Frameworks table says — the plugin's two lines and
 * nothing else — and driven the way its users drive it.
 */
const STARTS = 3
/** What the plugin may say in a healthy run of this scenario; anything else is a spurious line. */
const EXPECTED_LINES = [
  /\[wizard-hot-reload\] loaded 1 wizard from wizards in \d+ ms \(watching, delay 50 ms\)$/,
  /\[wizard-hot-reload\] debug reloaded in [\d.]+ ms( · 1\/1 backends \([\d.]+ ms\))?$/,
  /\[wizard-hot-reload\] debug failed: .*\(kept previous version\)/,
  // A runtime elsewhere (Nitro's worker) connects like a backend — again each time its registry is evaluated afresh.
  /\[wizard-hot-reload\] backend nitro \(pid \d+ on [^)]+\) connected: 1 wizard in sync$/,
  /\[wizard-hot-reload\] backend nitro \(pid \d+\) disconnected$/,
]

const wizard = (output: string) => `export class DebugWizard {\n  run(): string {\n    return '${output}'\n  }\n}\n`

for (const stack of STACKS) {
  test(`${stack.name}: the first request after every start has the wizard; edits, failures, its own HMR, tsconfig and registry saves`, async ({ page }) => {
    test.setTimeout(240_000)
    let run: AppRun | undefined
    try {
      for (let start = 1; start <= STARTS; start++) {
        run = AppRun.start(stack, await freePort(), run?.root)
        const first = await run.firstResponse('/api/wizards/debug')
        expect({ start, ...first }).toEqual({ start, status: 200, body: expect.stringContaining('"output":"v1"') })
        if (start < STARTS) await run.stop()
      }
      const app = run!

      // The status endpoint answers JSON, whatever the plugin's place among the framework's plugins.
      const status = await app.get('/api/hot-reload/status')
      expect(status.json, status.body.slice(0, 200)).toMatchObject({ enabled: true, wizards: { debug: { version: 1, last_error: null } } })

      // The framework's own page, with no script added by hand: the overlay is there (once).
      await page.goto(app.url)
      await expect(page.locator('#client')).toHaveText('client v1')
      await expect(page.locator('wizard-hot-reload-overlay')).toHaveCount(1)
      await expect.poll(() => page.evaluate(() => document.querySelector('wizard-hot-reload-overlay')?.shadowRoot?.childElementCount ?? 0)).toBeGreaterThan(0)

      // An edit reaches the next requests.
      app.write('wizards/debug_wizard.ts', wizard('v2'))
      await expect.poll(() => app.wizard()).toBe('v2')

      // A syntax error: the old version keeps serving, and the failure toast shows on the framework's page.
      app.write('wizards/debug_wizard.ts', wizard('v3').replace("return 'v3'", "return 'v3' +"))
      const failure = page.locator('wizard-hot-reload-overlay .toast[data-wizard-id="debug"][data-toast="failed"]')
      await expect(failure).toBeVisible()
      await expect(failure).toContainText('debug_wizard.ts:')
      expect(await app.wizard()).toBe('v2')
      app.write('wizards/debug_wizard.ts', wizard('v3'))
      await expect.poll(() => app.wizard()).toBe('v3')
      await expect(failure).toHaveCount(0)

      // The framework's own HMR of its client code is undisturbed.
      app.edit(stack.clientEdit.file, (code) => code.replace(stack.clientEdit.from, stack.clientEdit.to))
      await expect(page.locator('#client')).toHaveText('client v2')

      // A tsconfig.json save: the program is evaluated again — with a complete registry.
      const detected = () => app.lines.filter((line) => line.includes('changed tsconfig file detected')).length
      const tsconfigBefore = detected()
      // (Vite's watcher drops a change within 50 ms of the last one: save until Vite has seen it.)
      await expect
        .poll(() => {
          if (detected() === tsconfigBefore)
            app.edit('tsconfig.json', (code) => JSON.stringify({ ...JSON.parse(code), exclude: [`saved-${Date.now()}`] }, null, 2))
          return detected()
        })
        .toBeGreaterThan(tsconfigBefore)
      await expect.poll(() => app.wizard()).toBe('v3')
      for (let request = 0; request < 5; request++) expect(await app.wizard()).toBe('v3')

      // An edit of the registry itself: its new instance is complete too.
      app.edit('server/registry.ts', (code) => code.replace('return new cls().run(input)', "return new cls().run(input) + '!'"))
      await expect.poll(() => app.wizard()).toBe('v3!')
      app.write('wizards/debug_wizard.ts', wizard('v4'))
      await expect.poll(() => app.wizard()).toBe('v4!')

      // Nothing spurious from the plugin: no "listed twice", no "two module runners", no warnings.
      expect(app.pluginLines().filter((line) => !EXPECTED_LINES.some((expected) => expected.test(line)))).toEqual([])
    } finally {
      await run?.close()
    }
  })
}

test("the README's Frameworks snippets are the apps' files, and the apps typecheck with the frameworks' own types", () => {
  const readme = fs.readFileSync(path.join(FRAMEWORKS, '../../README.md'), 'utf8')
  const snippets = [...readme.matchAll(/```(?:ts|js)\n(\/\/ e2e\/frameworks\/([\w./-]+)[\s\S]*?)```/g)]
  expect(snippets.map((match) => match[2])).toEqual(
    expect.arrayContaining([
      'apps/hono/vite.config.ts',
      'apps/react-router/vite.config.ts',
      'apps/nitro/vite.config.ts',
      'apps/sveltekit/vite.config.ts',
      'apps/express/server.js',
    ]),
  )
  for (const [, code, file] of snippets) expect(code, file).toBe(fs.readFileSync(path.join(FRAMEWORKS, file), 'utf8'))
  execFileSync(process.execPath, [path.join(FRAMEWORKS, 'node_modules/typescript/bin/tsc'), '-p', path.join(FRAMEWORKS, 'tsconfig.json')], { stdio: 'pipe' })
})
