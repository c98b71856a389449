import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'
import type { ParseOutcome } from './parsed-config.ts'

function ok(outcome: ParseOutcome) {
  if (!outcome.ok) throw new Error(`expected a value, got: ${outcome.message}`)
  return outcome.config
}
function failed(outcome: ParseOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.config.value)}`)
  return outcome
}

/** A failure with exactly this message, at this place. */
function expectFailure(outcome: ParseOutcome, message: string, line: number, column: number): void {
  expect(failed(outcome)).toEqual({ ok: false, message, position: { line, column } })
}

describe('YAML', () => {
  const source = 'model: small\nsteps:\n  - name: lint\n    timeout: 30\n  - name: test\n    timeout: fast\n'
  test('values, and keys located by line and column (the key itself; the nearest parent for a missing one)', () => {
    const config = ok(parseConfig('yaml', source))
    expect(config.value).toEqual({
      model: 'small',
      steps: [
        { name: 'lint', timeout: 30 },
        { name: 'test', timeout: 'fast' },
      ],
    })
    expect(config.locate(['steps', 1, 'timeout'])).toEqual({ line: 6, column: 5 })
    expect(config.locate(['model'])).toEqual({ line: 1, column: 1 })
    expect(config.locate(['steps', 1, 'retries'])).toEqual({ line: 5, column: 5 })
    expect(config.locate([])).toEqual({ line: 1, column: 1 })
  })
  test('an indentation error, a duplicate key, two documents: a message and where', () => {
    expectFailure(parseConfig('yaml', 'a:\n  b: 1\n c: 2\n'), 'All mapping items must start at the same column', 3, 1)
    expect(failed(parseConfig('yaml', 'a: 1\na: 2\n'))).toMatchObject({ message: 'Map keys must be unique', position: { line: 2, column: 1 } })
    expect(failed(parseConfig('yaml', 'a: 1\n---\nb: 2\n')).message).toMatch(/multiple documents/)
  })
  test('an empty file is no value; a billion-laughs file is an error, not a frozen server', () => {
    expect(ok(parseConfig('yaml', '')).value).toBeUndefined()
    const laughs = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n')
    expect(failed(parseConfig('yaml', laughs)).message).toMatch(/alias/i)
  })
})

describe('JSON and JSONC', () => {
  test('.json is strict: a trailing comma is named and located at the comma; comments point to .jsonc', () => {
    expectFailure(parseConfig('json', '{\n  "a": 1,\n}\n'), 'trailing comma (not allowed in .json; remove it, or rename the file to .jsonc)', 2, 9)
    expect(failed(parseConfig('json', '{\n  "a": 1 // one\n}'))).toMatchObject({
      message: 'comments are not allowed in .json (rename the file to .jsonc)',
      position: { line: 2, column: 10 },
    })
    expect(failed(parseConfig('json', '{"a": }'))).toMatchObject({ message: 'a value expected', position: { line: 1, column: 7 } })
    expect(failed(parseConfig('json', ''))).toMatchObject({ message: expect.stringContaining('empty') })
  })
  test('.jsonc allows comments and trailing commas; keys are located', () => {
    const config = ok(parseConfig('jsonc', '{\n  // the model\n  "model": "small",\n  "steps": [{ "timeout": 30 }, { "timeout": "fast" },],\n}\n'))
    expect(config.value).toEqual({ model: 'small', steps: [{ timeout: 30 }, { timeout: 'fast' }] })
    expect(config.locate(['steps', 1, 'timeout'])).toEqual({ line: 4, column: 34 })
    expect(config.locate(['model'])).toEqual({ line: 3, column: 3 })
    expect(config.locate(['nope', 'deeper'])).toEqual({ line: 1, column: 1 })
  })
  test('"__proto__" is an ordinary key, never a prototype', () => {
    const value = ok(parseConfig('json', '{"__proto__": {"polluted": true}}')).value as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(value)).toEqual(['__proto__'])
  })
})

describe('TOML', () => {
  test('values; a duplicate key and a bad value are located', () => {
    expect(ok(parseConfig('toml', 'model = "small"\n[[steps]]\ntimeout = 30\n')).value).toEqual({ model: 'small', steps: [{ timeout: 30 }] })
    expectFailure(parseConfig('toml', 'a = 1\na = 2\n'), 'trying to redefine an already defined table or value', 2, 1)
    expect(failed(parseConfig('toml', 'a = \n'))).toMatchObject({ message: 'invalid value', position: { line: 1, column: 5 } })
  })
  test('its parser cannot place keys: a schema problem is named by its path instead', () => {
    expect(ok(parseConfig('toml', 'a = 1\n')).locate(['a'])).toBeUndefined()
  })
})
