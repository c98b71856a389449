import { describe, expect, test } from 'vitest'
import { isHostAllowed, isOriginAllowed } from './request-guards.ts'

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
  ] as const)('%s with %o → %s', (host, allowed, expected) => {
    expect(isHostAllowed(host, allowed)).toBe(expected)
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
