import { describe, expect, test } from 'vitest'
import { isOwnOrigin, type OwnOriginFacts } from './own-origin.ts'
import { resolveTrustedOrigins } from './trusted-origins-option.ts'

const facts = (extra: Partial<OwnOriginFacts> = {}): OwnOriginFacts => ({
  ports: new Set([5173]),
  names: new Set(['192.168.1.20']),
  allowedHosts: ['.wizards.test'],
  origins: new Set(),
  ...extra,
})

describe('isOwnOrigin', () => {
  test.each([
    // No Origin: not a browser.
    [undefined, '127.0.0.1:5173', true],
    // The page and the socket on the same host:port.
    ['http://127.0.0.1:5173', '127.0.0.1:5173', true],
    ['http://app.wizards.test:5173', 'app.wizards.test:5173', true],
    ['https://dev.example.com', 'dev.example.com', true],
    // Another spelling of the own port (HMR on a port of its own: the socket's Host differs).
    ['http://localhost:5173', '127.0.0.1:24678', true],
    ['http://127.0.0.1:5173', 'localhost:24678', true],
    ['http://[::1]:5173', 'localhost:24678', true],
    ['http://app.localhost:5173', 'localhost:24678', true],
    ['http://192.168.1.20:5173', 'localhost:24678', true],
    ['http://api.wizards.test:5173', 'localhost:24678', true],
    ['http://wizards.test:5173', 'localhost:24678', true],
    // The attack, and its relatives: another port on localhost.
    ['http://127.0.0.1:9999', '127.0.0.1:5173', false],
    ['http://localhost:9999', 'localhost:5173', false],
    ['http://[::1]:9999', 'localhost:5173', false],
    ['http://app.localhost:9999', 'localhost:5173', false],
    // The own port on a host that is not this machine, or a name nobody listed.
    ['http://10.0.0.9:5173', '127.0.0.1:5173', false],
    ['http://evil.example:5173', '127.0.0.1:5173', false],
    ['http://notwizards.test:5173', 'localhost:24678', false],
    // Not http(s) pages.
    ['null', '127.0.0.1:5173', false],
    ['file://', '127.0.0.1:5173', false],
    ['chrome-extension://abcdef', '127.0.0.1:5173', false],
    ['not an origin', '127.0.0.1:5173', false],
  ] as const)('Origin %s, Host %s → %s', (origin, host, expected) => {
    expect(isOwnOrigin(origin, host, facts())).toBe(expected)
  })

  test('default ports count: http://localhost is port 80, https://localhost port 443', () => {
    expect(isOwnOrigin('http://localhost', 'localhost:24678', facts({ ports: new Set([80]) }))).toBe(true)
    expect(isOwnOrigin('https://localhost', 'localhost:24678', facts({ ports: new Set([80]) }))).toBe(false)
    expect(isOwnOrigin('https://localhost', 'localhost:24678', facts({ ports: new Set([443]) }))).toBe(true)
  })

  test('listed origins (server.origin, trustedOrigins) are trusted exactly, on their own port', () => {
    const listed = facts({ origins: new Set(['http://localhost:8000']) })
    expect(isOwnOrigin('http://localhost:8000', 'localhost:5173', listed)).toBe(true)
    expect(isOwnOrigin('http://LOCALHOST:8000', 'localhost:5173', listed)).toBe(true)
    expect(isOwnOrigin('https://localhost:8000', 'localhost:5173', listed)).toBe(false)
    expect(isOwnOrigin('http://localhost:8001', 'localhost:5173', listed)).toBe(false)
  })

  test('allowedHosts: true trusts no name by itself (a page on evil.example:5173 is not this server)', () => {
    expect(isOwnOrigin('http://evil.example:5173', 'localhost:24678', facts({ allowedHosts: true }))).toBe(false)
    expect(isOwnOrigin('http://localhost:5173', 'localhost:24678', facts({ allowedHosts: true }))).toBe(true)
  })

  test('no own port known (middleware mode before any request): only the same host:port and listed origins', () => {
    const none = facts({ ports: new Set() })
    expect(isOwnOrigin('http://localhost:3000', 'localhost:24678', none)).toBe(false)
    expect(isOwnOrigin('http://localhost:3000', 'localhost:3000', none)).toBe(true)
  })
})

describe('resolveTrustedOrigins (the option)', () => {
  test('keeps exact origins (normalised), warns about anything else and skips it', () => {
    const warnings: string[] = []
    const origins = resolveTrustedOrigins(
      ['http://localhost:8000', 'http://LOCALHOST:8000/', 'https://app.example:443', '*', 'http://localhost:8000/app', 'ws://localhost:1', 42, 'null'],
      (message) => warnings.push(message),
    )
    expect(origins).toEqual(['http://localhost:8000', 'https://app.example'])
    expect(warnings).toHaveLength(5)
    expect(warnings[0]).toContain('options.trustedOrigins: "*" is not an origin')
  })

  test('not an array: a warning, and no origin is trusted', () => {
    const warnings: string[] = []
    expect(resolveTrustedOrigins('http://localhost:8000', (message) => warnings.push(message))).toEqual([])
    expect(warnings).toEqual([expect.stringContaining('options.trustedOrigins must be an array')])
    expect(resolveTrustedOrigins(undefined, () => {})).toEqual([])
  })
})
