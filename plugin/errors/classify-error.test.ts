import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { makeTempDir } from '../../test/temp-project.ts'
import { classifyLoadError, plainFailure } from './classify-error.ts'
import { describeThrown } from './thrown-value.ts'

/** Errors recorded from real Vite 7 and 8 dev servers (fixtures/record.mjs), both loading paths. */
interface RecordedError {
  vite: string
  situation: string
  loader: 'ssrLoadModule' | 'runner'
  file: string
  source: string
  thrown:
    | { value: string | { $bigint: string } }
    | { name: string; message: string; code?: string; plugin?: string; id?: string; frame?: string; stack?: string; loc?: object; errors?: object[] }
}

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const recorded: RecordedError[] = ['vite8-load-errors.json', 'vite7-load-errors.json'].flatMap(
  (name) => JSON.parse(fs.readFileSync(path.join(fixturesDir, name), 'utf8')) as RecordedError[],
)

const root = makeTempDir('wizard-classify-')
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const localize = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('<root>', root)) as T

/** Rebuilds the thrown value as the loader threw it, with its source file on disk. */
function replay(entry: RecordedError): { thrown: unknown; file: string } {
  const file = localize(entry.file)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, entry.source)
  const thrown = localize(entry.thrown)
  if ('value' in thrown) return { file, thrown: typeof thrown.value === 'string' ? thrown.value : BigInt(thrown.value.$bigint) }
  const { name, message, ...fields } = thrown
  const error = Object.assign(new Error(message), fields)
  error.name = name
  if (fields.stack) error.stack = fields.stack
  return { file, thrown: error }
}

interface Expectation {
  kind: 'syntax' | 'import' | 'evaluate'
  /** The real reason, per parser (oxc in Vite 8, esbuild/Rollup in Vite 7, the parser asked again for `.js`). */
  message: RegExp
  line: number | undefined
}

const expected: Record<string, Expectation> = {
  '1-ts-syntax-missing-brace': { kind: 'syntax', message: /'export' modifier cannot appear|Expected ";" but found "const"/, line: 8 },
  // The parser asked again: oxc (Vite 8) or Rollup's SWC-based parser (Vite 7).
  '2-js-syntax-missing-brace': { kind: 'syntax', message: /'export' modifier cannot appear|Unexpected token `const`/, line: 8 },
  '2-mjs-syntax-missing-brace': { kind: 'syntax', message: /'export' modifier cannot appear|Unexpected token `const`/, line: 8 },
  '2b-js-syntax-lexer-passes': { kind: 'syntax', message: /Unexpected token|Expression expected/, line: 2 },
  '2b-mjs-syntax-lexer-passes': { kind: 'syntax', message: /Unexpected token|Expression expected/, line: 2 },
  '2b-js-class-syntax-balanced-braces': { kind: 'syntax', message: /'export' modifier cannot appear|Unexpected token|Unexpected "export"/, line: 5 },
  '2-jsx-syntax-non-jsx': { kind: 'syntax', message: /'export' modifier cannot appear|Expected ";" but found/, line: 8 },
  '2-jsx-broken-tag': { kind: 'syntax', message: /Expected corresponding JSX closing tag|does not match opening/, line: 5 },
  '3-ts-missing-relative': { kind: 'import', message: /nope\.ts/, line: 1 },
  '3-js-missing-relative': { kind: 'import', message: /nope\.js/, line: 1 },
  '4-ts-missing-npm-package': { kind: 'import', message: /Cannot find module 'left-padz-not-installed'/, line: 1 },
  '4-js-missing-npm-package': { kind: 'import', message: /Cannot find module 'left-padz-not-installed'/, line: 1 },
  '5-ts-throw-error': { kind: 'evaluate', message: /^boom$/, line: 2 },
  '5-js-throw-error': { kind: 'evaluate', message: /^boom$/, line: 2 },
  '5-ts-throw-string': { kind: 'evaluate', message: /'boom string'/, line: undefined },
  '5-js-throw-string': { kind: 'evaluate', message: /'boom string'/, line: undefined },
  '5-ts-throw-bigint': { kind: 'evaluate', message: /10n/, line: undefined },
  '5-js-throw-bigint': { kind: 'evaluate', message: /10n/, line: undefined },
  '6-ts-type-syntax': { kind: 'syntax', message: /Unexpected token|Unexpected "="/, line: 2 },
  '7-js-unterminated-string': { kind: 'syntax', message: /Unterminated string/, line: 2 },
}

describe('classifies the errors Vite 7 and 8 really throw', () => {
  test('every recorded situation has an expectation', () => {
    expect(new Set(recorded.map((entry) => entry.situation))).toEqual(new Set(Object.keys(expected)))
    expect(new Set(recorded.map((entry) => entry.vite.split('.')[0]))).toEqual(new Set(['7', '8']))
  })

  test.each(recorded.map((entry) => [`vite ${entry.vite} ${entry.loader}: ${entry.situation}`, entry] as const))('%s', (_name, entry) => {
    const { thrown, file } = replay(entry)
    const want = expected[entry.situation]
    const failure = classifyLoadError(thrown, file, root)
    expect(failure.kind).toBe(want.kind)
    expect(failure.message).toMatch(want.message)
    // Never Vite's generic wrappers, never colour codes, never the reason cut off.
    expect(failure.message).not.toMatch(/Failed to parse source for import analysis|Transform failed with|Parse failure|Parse failed with|\u001b\[/)
    expect(failure.message.replace(/^SyntaxError: /, '').trim()).not.toBe('')
    if (want.line === undefined) return expect(failure.loc).toBeUndefined()
    expect(failure.loc?.line).toBe(want.line)
    expect(failure.loc?.column).toBeGreaterThan(0)
    expect(failure.frame).toContain(`> ${want.line} |`)
  })
})

describe('any thrown value becomes a readable failure', () => {
  const circular: Record<string, unknown> = { name: 'loop' }
  circular.self = circular
  const nullPrototype = Object.assign(Object.create(null) as object, { reason: 'no prototype' })
  const trapThrows = () => {
    throw new Error('trap')
  }
  const hostileProxy = new Proxy(
    {},
    { get: trapThrows, getOwnPropertyDescriptor: trapThrows, ownKeys: trapThrows, getPrototypeOf: trapThrows, has: trapThrows },
  )
  const errorWithThrowingMessage = new Error('x')
  Object.defineProperty(errorWithThrowingMessage, 'message', { get: trapThrows })

  test.each([
    ['a BigInt', 10n, /10n/],
    ['a circular object', circular, /\[Circular \*1\]/],
    ['a null-prototype object', nullPrototype, /null prototype.*no prototype/],
    ['a Proxy whose traps throw', hostileProxy, /\{\}/],
    ['a Symbol', Symbol('odd'), /Symbol\(odd\)/],
    ['undefined', undefined, /undefined/],
    ['an Error whose message getter throws', errorWithThrowingMessage, /^\(its message could not be read: .+\)$/],
  ] as const)('%s', (_name, value, pattern) => {
    expect(() => describeThrown(value)).not.toThrow()
    expect(describeThrown(value)).toMatch(pattern)
    const failure = classifyLoadError(value, path.join(root, 'wizards/x.ts'), root)
    expect(failure.kind).toBe('evaluate')
    expect(() => JSON.stringify(failure)).not.toThrow()
    expect(plainFailure('register', `register("x") threw ${describeThrown(value)}`, value, root).message).toContain('register("x") threw')
  })

  test('long values are cut, not sent whole', () => {
    expect(describeThrown('x'.repeat(100_000)).length).toBeLessThan(3_000)
  })
})
