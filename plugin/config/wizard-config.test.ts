import fs from 'node:fs'
import path from 'node:path'
import * as v from 'valibot'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { makeTempDir, writeFiles } from '../../test/temp-project.ts'
import { loadWizardConfig, type ConfigLoad, type ConfigLoadOptions } from './wizard-config.ts'

let root: string
beforeEach(() => {
  root = makeTempDir('wizard-config-')
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const wizardFile = () => path.join(root, 'wizards/review_wizard.ts')
function load(wizardClass: unknown, files: Record<string, string>, options: Partial<ConfigLoadOptions> = {}): Promise<ConfigLoad> {
  writeFiles(root, { 'wizards/review_wizard.ts': 'export class ReviewWizard {}\n', ...files })
  return loadWizardConfig({ wizardId: 'review', wizardFile: wizardFile(), wizardClass, root, configFile: undefined, timeoutMs: 1000, ...options })
}
function value(outcome: ConfigLoad) {
  if (!outcome.ok) throw new Error(`expected a config, got: ${outcome.failure.message}`)
  return outcome.value
}
function failure(outcome: ConfigLoad) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`)
  return outcome.failure
}

const zodSchema = z.object({
  model: z.string(),
  steps: z.array(z.object({ name: z.string(), timeout: z.number().default(60) })),
  temperature: z.number().default(0.2),
})
const valibotSchema = v.object({
  model: v.string(),
  steps: v.array(v.object({ name: v.string(), timeout: v.optional(v.number(), 60) })),
  temperature: v.optional(v.number(), 0.2),
})
const yaml = 'model: small\nsteps:\n  - name: lint\n  - name: test\n    timeout: 5\n'

describe.each([
  ['Zod', zodSchema],
  ['Valibot', valibotSchema],
])('Standard Schema with %s', (_, schema) => {
  const Wizard = class ReviewWizard {
    static configSchema = schema
  }
  test('the output, with its defaults, is the config', async () => {
    expect(value(await load(Wizard, { 'wizards/review_wizard.config.yaml': yaml }))).toEqual({
      model: 'small',
      steps: [
        { name: 'lint', timeout: 60 },
        { name: 'test', timeout: 5 },
      ],
      temperature: 0.2,
    })
  })
  test('a violation names the path and points at the key in the file, with a code frame', async () => {
    const broken = failure(await load(Wizard, { 'wizards/review_wizard.config.yaml': yaml.replace('timeout: 5', 'timeout: fast') }))
    expect(broken.kind).toBe('config')
    expect(broken.message).toMatch(/^wizards\/review_wizard\.config\.yaml: steps\[1\]\.timeout: .*number/i)
    expect(broken.loc).toEqual({ file: path.join(root, 'wizards/review_wizard.config.yaml'), line: 5, column: 5 })
    expect(broken.frame).toContain('> 5 |     timeout: fast')
  })
  test('no config file: the schema decides (a required object fails, naming where it looked)', async () => {
    const missing = failure(await load(Wizard, {}))
    expect(missing.message).toMatch(
      /^review has no config file \(looked for wizards\/review_wizard\.config\.\{yaml,yml,json,jsonc,toml\}\) and its configSchema requires one: /,
    )
    expect(missing.loc).toBeUndefined()
  })
})

describe('formats', () => {
  test('each format gives the same config', async () => {
    const expected = { model: 'small', steps: [{ name: 'lint' }] }
    expect(value(await load(undefined, { 'wizards/review_wizard.config.yml': 'model: small\nsteps:\n  - name: lint\n' }))).toEqual(expected)
    fs.rmSync(path.join(root, 'wizards/review_wizard.config.yml'))
    expect(value(await load(undefined, { 'wizards/review_wizard.config.json': JSON.stringify(expected) }))).toEqual(expected)
    fs.rmSync(path.join(root, 'wizards/review_wizard.config.json'))
    expect(value(await load(undefined, { 'wizards/review_wizard.config.jsonc': '{ "model": "small", /* c */ "steps": [{ "name": "lint" },], }' }))).toEqual(
      expected,
    )
    fs.rmSync(path.join(root, 'wizards/review_wizard.config.jsonc'))
    expect(value(await load(undefined, { 'wizards/review_wizard.config.toml': 'model = "small"\n[[steps]]\nname = "lint"\n' }))).toEqual(expected)
  })
  test('without a schema the parsed file is the config; without a file it is undefined', async () => {
    const outcome = await load(class {}, {})
    expect(outcome).toMatchObject({ ok: true, config: undefined, value: undefined })
    expect(outcome.watch.map((file) => path.basename(file))).toEqual([
      'review_wizard.config.yaml',
      'review_wizard.config.yml',
      'review_wizard.config.json',
      'review_wizard.config.jsonc',
      'review_wizard.config.toml',
    ])
  })
  test('parse errors are config failures located in the file: JSON trailing comma, TOML duplicate key', async () => {
    const json = failure(await load(undefined, { 'wizards/review_wizard.config.json': '{\n  "model": "small",\n}\n' }))
    expect(json).toMatchObject({ kind: 'config', loc: { line: 2, column: 19 }, message: expect.stringContaining('review_wizard.config.json: trailing comma') })
    expect(json.frame).toContain('> 2 |   "model": "small",')
    fs.rmSync(path.join(root, 'wizards/review_wizard.config.json'))
    const toml = failure(await load(undefined, { 'wizards/review_wizard.config.toml': 'model = "a"\nmodel = "b"\n' }))
    expect(toml).toMatchObject({
      loc: { line: 2, column: 1 },
      message: 'wizards/review_wizard.config.toml: trying to redefine an already defined table or value',
    })
  })
  test('TOML schema violations are named by their path (its parser cannot place keys)', async () => {
    const Wizard = class ReviewWizard {
      static configSchema = zodSchema
    }
    const toml = failure(await load(Wizard, { 'wizards/review_wizard.config.toml': 'model = 3\nsteps = []\n' }))
    expect(toml.message).toMatch(/^wizards\/review_wizard\.config\.toml: model: .*string/i)
    expect(toml.loc).toBeUndefined()
  })
})

describe('what can go wrong', () => {
  test('two config files for one wizard is a failure naming both', async () => {
    const both = failure(await load(undefined, { 'wizards/review_wizard.config.yaml': 'a: 1\n', 'wizards/review_wizard.config.json': '{}' }))
    expect(both.message).toBe('wizards/review_wizard.ts has 2 config files: wizards/review_wizard.config.yaml and wizards/review_wizard.config.json; keep one')
  })
  test('a schema that is not a Standard Schema, that throws, that never settles, or a throwing getter', async () => {
    /** The failure's message for a wizard class with this static configSchema. */
    const failing = async (configSchema: unknown, options: Partial<ConfigLoadOptions> = {}) =>
      failure(
        await load(
          class {
            static configSchema = configSchema
          },
          { 'wizards/review_wizard.config.yaml': 'a: 1\n' },
          options,
        ),
      ).message
    expect(await failing({ parse() {} })).toMatch(/is not a Standard Schema/)
    const throwing = () => {
      throw 10n
    }
    expect(await failing({ '~standard': { version: 1, vendor: 'x', validate: throwing } })).toMatch(/configSchema threw 10n/)
    const hanging = { '~standard': { version: 1, vendor: 'x', validate: () => new Promise(() => {}) } }
    expect(await failing(hanging, { timeoutMs: 50 })).toMatch(/did not finish validating within 0\.1 s/)
    const getter = class {
      static get configSchema(): never {
        throw new Error('no schema today')
      }
    }
    expect(failure(await load(getter, {})).message).toMatch(/reading its static configSchema threw no schema today/)
  })
  test('a folder named like a config file is not one', async () => {
    fs.mkdirSync(path.join(root, 'wizards/review_wizard.config.yaml'), { recursive: true })
    writeFiles(root, { 'wizards/review_wizard.config.json': '{}' })
    // A folder is not a config file: the JSON one is.
    expect(value(await load(undefined, {}))).toEqual({})
  })
  test('the configFile option: its path (relative to the root), null for none; a throw or a bad answer names the option', async () => {
    const configFile = (file: string) => `config/${path.basename(file, '.ts')}.yaml`
    expect(value(await load(undefined, { 'config/review_wizard.yaml': 'x: 1\n' }, { configFile }))).toEqual({ x: 1 })
    expect(await load(undefined, {}, { configFile: () => null })).toMatchObject({ ok: true, config: undefined, watch: [] })
    expect(
      failure(
        await load(
          undefined,
          {},
          {
            configFile: () => {
              throw new Error('nope')
            },
          },
        ),
      ).message,
    ).toBe('the configFile option threw for wizards/review_wizard.ts: nope')
    expect(failure(await load(undefined, {}, { configFile: () => 'config/review.ini' })).message).toMatch(
      /^the configFile option returned config\/review\.ini for wizards\/review_wizard\.ts: a config file ends with \.yaml/,
    )
  })
})

describe('a config file that cannot be read', () => {
  test('is a config failure naming the file and the reason (as root, permissions cannot make one: the read is made to fail)', async () => {
    const real = fs.readFileSync
    const config = path.join(root, 'wizards/review_wizard.config.yaml')
    const read = vi.spyOn(fs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (file === config) throw Object.assign(new Error(`EACCES: permission denied, open '${config}'`), { code: 'EACCES' })
      return (real as (...args: unknown[]) => unknown)(file, ...rest)
    }) as typeof fs.readFileSync)
    try {
      const outcome = failure(await load(class ReviewWizard {}, { 'wizards/review_wizard.config.yaml': 'model: small\n' }))
      expect(outcome).toMatchObject({ kind: 'config', message: 'wizards/review_wizard.config.yaml cannot be read: EACCES' })
    } finally {
      read.mockRestore()
    }
  })

  test('a folder named like a config file is not a config (the wizard has none)', async () => {
    fs.mkdirSync(path.join(root, 'wizards/review_wizard.config.json'), { recursive: true })
    const outcome = await load(class ReviewWizard {}, {})
    expect(outcome).toMatchObject({ ok: true, config: undefined, value: undefined })
  })
})

describe('a hand-written Standard Schema with odd issue paths', () => {
  test.each([
    [
      'a key whose toString throws',
      {
        toString() {
          throw 1
        },
      },
    ],
    ['a null-prototype key', Object.create(null)],
    ['a Symbol key', Symbol('odd')],
    ['a BigInt key', 10n],
  ])('%s: a config failure with the message, never an internal error', async (_, key) => {
    const Wizard = class ReviewWizard {
      static configSchema = { '~standard': { version: 1, vendor: 'hand', validate: () => ({ issues: [{ message: 'bad', path: [{ key }, 'inner'] }] }) } }
    }
    const outcome = failure(await load(Wizard, { 'wizards/review_wizard.config.yaml': 'model: small\n' }))
    expect(outcome.kind).toBe('config')
    expect(outcome.message).toContain('bad')
  })
})
