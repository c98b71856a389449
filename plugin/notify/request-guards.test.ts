import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { isHostAllowed, isOriginAllowed } from './request-guards.ts'

const require = createRequire(import.meta.url)

describe('isHostAllowed (Vite’s rule)', () => {
  // Host header · server.allowedHosts (comma-separated, - for none) · what Vite answers. The spellings a
  // URL parser would normalise into an allowed host (127.1, 0x7f000001, LOCALHOST) Vite compares as sent.
  const hosts = table(`
    localhost:5173       -              allowed
    app.localhost        -              allowed
    127.0.0.1:5173       -              allowed
    [::1]:5173           -              allowed
    evil.example         -              refused
    evil.example:80      evil.example   allowed
    api.wizards.test     .wizards.test  allowed
    wizards.test         .wizards.test  allowed
    notwizards.test      .wizards.test  refused
    evil.example/x       evil.example   refused
    user@evil.example    evil.example   refused
    127.1                -              refused
    127.1:5173           -              refused
    0x7f000001           -              refused
    0x7f000001:5173      -              refused
    LOCALHOST            -              refused
    LOCALHOST:5173       -              refused
    2130706433           -              refused
  `)
  test.each(hosts)('%s with %s → %s', (host, allowed, verdict) => {
    expect(isHostAllowed(host, allowed === '-' ? [] : allowed.split(','))).toBe(verdict === 'allowed')
  })

  test("it is Vite's own check: the package Vite bundles, in a version Vite's range accepts", () => {
    // Vite 8 declares ^0.1.4, Vite 7 ^0.1.1–^0.1.2: a caret range on 0.x is that 0.minor line, from that patch on.
    const viteRange = (require('vite/package.json') as { devDependencies: Record<string, string> }).devDependencies['host-validation-middleware']
    const ourRange = (require('../../package.json') as { dependencies: Record<string, string> }).dependencies['host-validation-middleware']
    const packageFile = path.join(path.dirname(require.resolve('host-validation-middleware')), '..', 'package.json')
    const installed = (JSON.parse(fs.readFileSync(packageFile, 'utf8')) as { version: string }).version
    const parts = (version: string) => version.replace(/^\^/, '').split('.').map(Number)
    const [major, minor, patch] = parts(viteRange)
    expect(viteRange).toMatch(/^\^0\.\d+\.\d+$/)
    expect(parts(ourRange).slice(0, 2)).toEqual([major, minor])
    expect(parts(installed).slice(0, 2)).toEqual([major, minor])
    expect(parts(installed)[2]).toBeGreaterThanOrEqual(patch)
  })

  test('allowedHosts: true allows anything; no Host header is not a browser', () => {
    expect(isHostAllowed('anything.example', true)).toBe(true)
    expect(isHostAllowed(undefined, [])).toBe(true)
  })
})

describe('isOriginAllowed', () => {
  const viteDefault = { origin: /^https?:\/\/(?:(?:[^:]+\.)?localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/ }
  // Origin (- for none) · server.cors (vite: Vite's default; a list: those origins) · verdict; the Host is always localhost:5173.
  const corsSettings: Record<string, unknown> = {
    vite: viteDefault,
    true: true,
    false: false,
    'app-list': { origin: ['https://app.example'] },
    'other-string': { origin: 'https://other.example' },
  }
  const origins = table(`
    -                       vite          allowed
    http://localhost:5173   false         allowed
    http://127.0.0.1:3000   vite          allowed
    https://evil.example    vite          refused
    https://evil.example    true          allowed
    https://evil.example    false         refused
    https://app.example     app-list      allowed
    https://app.example     other-string  refused
    null                    vite          refused
    chrome-extension://abcdefghijklmnopabcdefghijklmnop  true  refused
    chrome-extension://abcdefghijklmnopabcdefghijklmnop  vite  refused
  `)
  test.each(origins)('Origin %s, cors %s → %s', async (origin, cors, verdict) => {
    expect(await isOriginAllowed(origin === '-' ? undefined : origin, 'localhost:5173', corsSettings[cors] as never)).toBe(verdict === 'allowed')
  })

  test('a cors origin function decides', async () => {
    const cors = {
      origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => callback(null, origin === 'https://ok.example'),
    }
    expect(await isOriginAllowed('https://ok.example', 'localhost:5173', cors as never)).toBe(true)
    expect(await isOriginAllowed('https://no.example', 'localhost:5173', cors as never)).toBe(false)
  })
})

/** A table written as aligned text: one row per line, cells separated by spaces. */
function table(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
}
