import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { isHostAllowed, isOriginAllowed } from './request-guards.ts'

const require = createRequire(import.meta.url)

describe('isHostAllowed (Vite’s rule)', () => {
  test.each([
    ['localhost:5173', [], true],
    ['app.localhost', [], true],
    ['127.0.0.1:5173', [], true],
    ['[::1]:5173', [], true],
    ['evil.example', [], false],
    ['evil.example:80', ['evil.example'], true],
    ['api.wizards.test', ['.wizards.test'], true],
    ['wizards.test', ['.wizards.test'], true],
    ['notwizards.test', ['.wizards.test'], false],
    ['evil.example/x', ['evil.example'], false],
    ['user@evil.example', ['evil.example'], false],
    // Spellings a URL parser would normalise into an allowed host; Vite compares them as sent.
    ['127.1', [], false],
    ['127.1:5173', [], false],
    ['0x7f000001', [], false],
    ['0x7f000001:5173', [], false],
    ['LOCALHOST', [], false],
    ['LOCALHOST:5173', [], false],
    ['2130706433', [], false],
  ] as const)('%s with %o → %s', (host, allowed, expected) => {
    expect(isHostAllowed(host, allowed)).toBe(expected)
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
  test.each([
    [undefined, 'localhost:5173', viteDefault, true],
    ['http://localhost:5173', 'localhost:5173', false, true],
    ['http://127.0.0.1:3000', 'localhost:5173', viteDefault, true],
    ['https://evil.example', 'localhost:5173', viteDefault, false],
    ['https://evil.example', 'localhost:5173', true, true],
    ['https://evil.example', 'localhost:5173', false, false],
    ['https://app.example', 'localhost:5173', { origin: ['https://app.example'] }, true],
    ['https://app.example', 'localhost:5173', { origin: 'https://other.example' }, false],
    ['null', 'localhost:5173', viteDefault, false],
  ] as const)('Origin %s, Host %s, cors %o → %s', async (origin, host, cors, expected) => {
    expect(await isOriginAllowed(origin, host, cors as never)).toBe(expected)
  })

  test('a cors origin function decides', async () => {
    const cors = { origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => callback(null, origin === 'https://ok.example') }
    expect(await isOriginAllowed('https://ok.example', 'localhost:5173', cors as never)).toBe(true)
    expect(await isOriginAllowed('https://no.example', 'localhost:5173', cors as never)).toBe(false)
  })
})
