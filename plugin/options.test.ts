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
    [{}, { registerTimeout: Number.NaN }, 'options.registerTimeout=null', { registerTimeout: 5000 }],
    [{}, { overlay: { position: 'middle' } }, 'options.overlay.position="middle"', { overlay: { position: 'bottom-right', successTimeout: 3000 } }],
  ] as const)('invalid %o %o warns naming %s and uses the default', (env, raw, named, expected) => {
    const { options, warnings } = resolve(raw as never, env)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(named)
    expect(options).toMatchObject(expected)
  })

  test('a dirs entry that does not exist is named and skipped; when none exists the defaults are used', () => {
    const some = resolve({ dirs: ['wizards', 'nope'] })
    expect(some.options.dirs).toEqual([path.join(root, 'wizards')])
    expect(some.warnings).toEqual([`options.dirs: "nope" is not a folder (${path.join(root, 'nope')}); skipping it.`])

    const none = resolve({}, { HOT_RELOAD_WATCH_DIRS: 'missing' })
    expect(none.warnings[0]).toContain('HOT_RELOAD_WATCH_DIRS: "missing" is not a folder')
    expect(none.warnings[1]).toContain('HOT_RELOAD_WATCH_DIRS names no existing folder')
    expect(none.options.dirs).toEqual([path.join(root, 'wizards'), path.join(root, 'coach_wizards')])
  })

  test('false turns endpoints and overlay off; HOT_RELOAD_DELAY=0 means no debounce', () => {
    const { options } = resolve({ wsPath: false, statusPath: false, overlay: false }, { HOT_RELOAD_DELAY: '0' })
    expect(options).toMatchObject({ wsPath: false, statusPath: false, overlay: false, delay: 0 })
  })
})
