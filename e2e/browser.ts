import fs from 'node:fs'
import { chromium, type LaunchOptions } from '@playwright/test'

/** Flags for a headless Chromium on a machine without GPU, sandbox or outside network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/**
 * `PLAYWRIGHT_CHROMIUM` if set, else a system Chromium (Debian's `chromium` package), else
 * Playwright's own browser; when there is none, says how to get one.
 */
export function chromiumLaunchOptions(env: NodeJS.ProcessEnv = process.env): LaunchOptions {
  const explicit = env.PLAYWRIGHT_CHROMIUM
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`PLAYWRIGHT_CHROMIUM=${explicit} does not exist.`)
    return { executablePath: explicit, args: CHROMIUM_FLAGS }
  }
  const system = SYSTEM_CHROMIUMS.find((candidate) => fs.existsSync(candidate))
  if (system) return { executablePath: system, args: CHROMIUM_FLAGS }
  let bundled: string | undefined
  try {
    bundled = chromium.executablePath()
  } catch {
    bundled = undefined
  }
  if (bundled && fs.existsSync(bundled)) return { args: CHROMIUM_FLAGS }
  throw new Error(
    [
      'No Chromium found for the e2e tests. Any one of these works:',
      '  - Debian/Ubuntu: apt-get update && apt-get install -y chromium   (uses /usr/bin/chromium)',
      "  - Playwright's own browser: npx playwright install chromium",
      '  - an existing Chrome/Chromium: PLAYWRIGHT_CHROMIUM=/path/to/chrome npm test',
    ].join('\n'),
  )
}
