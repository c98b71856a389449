import { expect, test } from 'vitest'
import { excessiveNesting, MAX_CONFIG_NESTING, oversizedConfig } from './config-limits.ts'
import { parseConfig } from './parse-config.ts'

test('nesting beyond the limit is found where it starts, in every format, without recursion', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000)
  expect(excessiveNesting(deep)).toEqual({ line: 1, column: MAX_CONFIG_NESTING + 1 })
  for (const [format, text] of [
    ['json', deep],
    ['jsonc', `// c\n${deep}`],
    ['yaml', `a: ${deep}`],
    ['toml', `a = ${deep}`],
  ] as const) {
    const parsed = parseConfig(format, text)
    expect(parsed, format).toMatchObject({ ok: false, message: expect.stringContaining(`nested more than ${MAX_CONFIG_NESTING} levels deep`) })
  }
})

test('brackets in strings and comments do not count; ordinary nesting parses', () => {
  const fine = `{"a": "${'['.repeat(500)}", "b": [[[1]]]} // ${'{'.repeat(500)}`
  expect(excessiveNesting(fine)).toBeUndefined()
  expect(excessiveNesting(`a: '${'['.repeat(500)}'\n# ${'['.repeat(500)}\nb: [1, [2, [3]]]`)).toBeUndefined()
  expect(parseConfig('json', '{"a": [[[1]]]}')).toMatchObject({ ok: true })
  const justEnough = '['.repeat(MAX_CONFIG_NESTING) + ']'.repeat(MAX_CONFIG_NESTING)
  expect(parseConfig('json', justEnough)).toMatchObject({ ok: true })
})

test('a parser that throws (YAML nested by indentation past the stack) is a parse failure, not a throw', () => {
  const indented = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'
  const parsed = parseConfig('yaml', indented)
  expect(parsed.ok === true || /nested too deeply|call stack|parser/.test(parsed.message)).toBe(true)
})

test('sizes above the limit are refused with the size and the limit', () => {
  expect(oversizedConfig(1024)).toBeUndefined()
  expect(oversizedConfig(50 * 1024 * 1024)).toBe('is 50.0 MB; config files are limited to 1 MB (keep data this large in a file the wizard reads itself)')
})
