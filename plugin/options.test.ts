import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { defaultOptions, resolveOptions } from './options.ts'
import { makeTempDir } from '../test/temp-project.ts'

const root = makeTempDir()
fs.mkdirSync(path.join(root, 'wizards'))
fs.mkdirSync(path.join(root, 'coach_wizards'))
fs.mkdirSync(path.join(root, 'custom/wizards'), { recursive: true })
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function circular() {
  const loop: Record<string, unknown> = { name: 'loop' }
  loop.self = loop
  return loop
}

function resolve(raw: Parameters<typeof resolveOptions>[0] = {}, env: Record<string, string> = {}) {
  const warnings: string[] = []
  const options = resolveOptions(raw, { root, env, warn: (message) => warnings.push(message) })
  return { options, warnings }
}

describe('resolveOptions', () => {
  test('defaults: the default folders that exist, 50 ms, the reference paths', () => {
    const { options, warnings } = resolve()
    expect(warnings).toEqual([])
    expect(options).toMatchObject({
      enabled: true,
      dirs: [path.join(root, 'wizards'), path.join(root, 'coach_wizards')],
      delay: 50,
      wsPath: '/ws/hot-reload',
      statusPath: '/api/hot-reload/status',
      initialLoad: true,
      registerTimeout: 5000,
      overlay: { position: 'bottom-right', successTimeout: 3000 },
    })
    expect(options.wizardId).toBe(defaultOptions.wizardId)
    expect(options.isWizardClass).toBe(defaultOptions.isWizardClass)
  })

  test('environment variables win over options', () => {
    const { options, warnings } = resolve(
      { dirs: ['wizards'], delay: 10, wsPath: '/mine', enabled: true },
      { HOT_RELOAD_WATCH_DIRS: 'custom/wizards, coach_wizards', HOT_RELOAD_DELAY: '0.25', HOT_RELOAD_WS_PATH: '/ws/x', HOT_RELOAD_ENABLED: 'false' },
    )
    expect(warnings).toEqual([])
    expect(options.dirs).toEqual([path.join(root, 'custom/wizards'), path.join(root, 'coach_wizards')])
    expect(options.delay).toBe(250)
    expect(options.wsPath).toBe('/ws/x')
    expect(options.enabled).toBe(false)
  })

  test('an empty dirs entry is skipped with a warning (it would watch the whole project)', () => {
    const { options, warnings } = resolve({ dirs: ['wizards', '', '  '] })
    expect(options.dirs).toEqual([path.join(root, 'wizards')])
    expect(warnings).toEqual([expect.stringContaining('options.dirs: an empty entry would watch the whole project'), expect.stringContaining('an empty entry')])
  })

  test('absolute dirs are kept; duplicates collapse', () => {
    const { options } = resolve({ dirs: [path.join(root, 'wizards'), 'wizards'] })
    expect(options.dirs).toEqual([path.join(root, 'wizards')])
  })

  test.each([
    [{ HOT_RELOAD_DELAY: 'soon' }, {}, 'HOT_RELOAD_DELAY="soon"', { delay: 50 }],
    [{ HOT_RELOAD_DELAY: '-1' }, { delay: 20 }, 'HOT_RELOAD_DELAY="-1"', { delay: 20 }],
    [{}, { delay: -5 }, 'options.delay=-5', { delay: 50 }],
    [{ HOT_RELOAD_ENABLED: 'maybe' }, {}, 'HOT_RELOAD_ENABLED="maybe"', { enabled: true }],
    [{ HOT_RELOAD_WS_PATH: 'ws' }, {}, 'HOT_RELOAD_WS_PATH="ws"', { wsPath: '/ws/hot-reload' }],
    [{}, { statusPath: 'status' }, 'options.statusPath="status"', { statusPath: '/api/hot-reload/status' }],
    [{}, { registerTimeout: Number.NaN }, 'options.registerTimeout=NaN', { registerTimeout: 5000 }],
    [{}, { history: -1 }, 'options.history=-1', { history: 20 }],
    [{}, { history: 2.5 }, 'options.history=2.5', { history: 20 }],
    [{}, { history: '5' }, 'options.history="5"', { history: 20 }],
    [{}, { delay: 10n }, 'options.delay=10n', { delay: 50 }],
    [{}, { enabled: circular() }, 'options.enabled=<ref *1>', { enabled: true }],
    [{}, { configFile: 'debug.yaml' }, 'options.configFile must be a function', { configFile: undefined }],
    [{}, { overlay: { position: 'middle' } }, 'options.overlay.position="middle"', { overlay: { position: 'bottom-right', successTimeout: 3000 } }],
  ] as const)('invalid %o %o warns naming %s and uses the default', (env, raw, named, expected) => {
    const { options, warnings } = resolve(raw as never, env)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(named)
    expect(options).toMatchObject(expected)
  })

  test('a dirs entry that does not exist yet is named and kept (it is watched for); a file is skipped', () => {
    fs.writeFileSync(path.join(root, 'a-file'), '')
    const some = resolve({ dirs: ['wizards', 'later/wizards', 'a-file'] })
    expect(some.options.dirs).toEqual([path.join(root, 'wizards'), path.join(root, 'later/wizards')])
    expect(some.warnings).toEqual([
      `options.dirs: "later/wizards" does not exist (yet): ${path.join(root, 'later/wizards')}; it is watched for and its wizards load once it is created.`,
      `options.dirs: "a-file" is not a folder (${path.join(root, 'a-file')}); skipping it.`,
    ])

    const none = resolve({}, { HOT_RELOAD_WATCH_DIRS: 'missing' })
    expect(none.warnings).toEqual([expect.stringContaining('HOT_RELOAD_WATCH_DIRS: "missing" does not exist (yet)')])
    expect(none.options.dirs).toEqual([path.join(root, 'missing')])
  })

  test('HOT_RELOAD_WATCH_DIRS of nothing but commas and blanks is as if unset: the option (or the defaults) decide, with one warning', () => {
    const withOption = resolve({ dirs: ['wizards'] }, { HOT_RELOAD_WATCH_DIRS: ' , ' })
    expect(withOption.options.dirs).toEqual([path.join(root, 'wizards')])
    expect(withOption.warnings).toEqual(['HOT_RELOAD_WATCH_DIRS=" , " names no folder; ignoring it.'])
    expect(resolve({}, { HOT_RELOAD_WATCH_DIRS: ',,' }).options.dirs).toEqual(resolve().options.dirs)
  })

  test('HOT_RELOAD_DELAY above 10 (seconds) warns that it is in seconds, and is used', () => {
    const { options, warnings } = resolve({}, { HOT_RELOAD_DELAY: '200' })
    expect(options.delay).toBe(200_000)
    expect(warnings).toEqual(['HOT_RELOAD_DELAY=200 is in seconds: every save waits 3.3 min before it reloads. For 200 ms, set HOT_RELOAD_DELAY=0.2.'])
    expect(resolve({}, { HOT_RELOAD_DELAY: '10' }).warnings).toEqual([])
  })

  test('loadTimeout: option in ms, HOT_RELOAD_LOAD_TIMEOUT in seconds (wins), 0 = no limit', () => {
    expect(resolve().options.loadTimeout).toBe(10_000)
    expect(resolve({ loadTimeout: 2500 }).options.loadTimeout).toBe(2500)
    expect(resolve({ loadTimeout: 2500 }, { HOT_RELOAD_LOAD_TIMEOUT: '1.5' }).options.loadTimeout).toBe(1500)
    expect(resolve({}, { HOT_RELOAD_LOAD_TIMEOUT: 'never' })).toMatchObject({
      options: { loadTimeout: 10_000 },
      warnings: [expect.stringContaining('HOT_RELOAD_LOAD_TIMEOUT="never"')],
    })
    expect(resolve({ loadTimeout: -1 })).toMatchObject({ options: { loadTimeout: 10_000 }, warnings: [expect.stringContaining('options.loadTimeout=-1')] })
  })

  test('polling: off by default; true, an interval in ms, or HOT_RELOAD_POLLING (true/false/seconds, wins)', () => {
    expect(resolve().options.polling).toBe(false)
    expect(resolve({ polling: true }).options.polling).toBe(300)
    expect(resolve({ polling: 1000 }).options.polling).toBe(1000)
    expect(resolve({ polling: true }, { HOT_RELOAD_POLLING: 'false' }).options.polling).toBe(false)
    expect(resolve({}, { HOT_RELOAD_POLLING: 'true' }).options.polling).toBe(300)
    expect(resolve({}, { HOT_RELOAD_POLLING: '0.5' }).options.polling).toBe(500)
    expect(resolve({}, { HOT_RELOAD_POLLING: 'often' })).toMatchObject({
      options: { polling: false },
      warnings: [expect.stringContaining('HOT_RELOAD_POLLING="often"')],
    })
  })

  test('a wizardId that throws or returns a non-string warns once per file, naming the option and the file, and skips the file', () => {
    const warnings: string[] = []
    const { wizardId } = resolveOptions(
      {
        wizardId: (file) => {
          if (file.endsWith('boom.ts')) throw 10n
          if (file.endsWith('odd.ts')) return 42 as unknown as string
          return 'fine'
        },
      },
      { root, env: {}, warn: (message) => warnings.push(message) },
    )
    expect(wizardId(path.join(root, 'wizards/boom.ts'))).toBeNull()
    expect(wizardId(path.join(root, 'wizards/boom.ts'))).toBeNull()
    expect(wizardId(path.join(root, 'wizards/odd.ts'))).toBeNull()
    expect(wizardId(path.join(root, 'wizards/ok.ts'))).toBe('fine')
    expect(warnings).toEqual([
      'options.wizardId threw 10n for wizards/boom.ts; skipping that file.',
      'options.wizardId returned 42 (expected a non-empty string, or null for "not a wizard") for wizards/odd.ts; skipping that file.',
    ])
  })

  test('false turns endpoints and overlay off; HOT_RELOAD_DELAY=0 means no debounce', () => {
    const { options } = resolve({ wsPath: false, statusPath: false, overlay: false }, { HOT_RELOAD_DELAY: '0' })
    expect(options).toMatchObject({ wsPath: false, statusPath: false, overlay: false, delay: 0 })
  })
})
