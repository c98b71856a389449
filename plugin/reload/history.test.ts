import { describe, expect, test } from 'vitest'
import type { WizardVersion } from './wizard-version.ts'
import { hashOf } from '../shared/content-hash.ts'
import { ReloadHistory } from './history.ts'

const version = (n: number): WizardVersion => {
  const wizardClass = class {}
  return {
    wizardId: 'debug',
    version: n,
    file: '/w/debug_wizard.ts',
    wizardClass,
    members: wizardClass,
    context: {} as WizardVersion['context'],
    controller: new AbortController(),
    instances: [],
    phases: { detectMs: 0, loadMs: 1, registerMs: 0, disposeMs: 0 },
    source: `v${n}`,
    config: undefined,
  }
}
const success = (history: ReloadHistory, n: number, source = `source of v${n}`) =>
  history.record('debug', { version: n, outcome: 'reloaded', timestamp: n, durationMs: 1, file: '/w/debug_wizard.ts', source }, version(n))
const failure = (history: ReloadHistory, at: number) =>
  history.record('debug', {
    version: null,
    outcome: 'failed',
    kind: 'syntax',
    message: 'x',
    timestamp: at,
    durationMs: 1,
    file: '/w/debug_wizard.ts',
    source: 'broken',
  })

describe('ReloadHistory', () => {
  test('keeps the last N attempts; older ones (and their classes) are released', () => {
    const history = new ReloadHistory(3)
    for (let n = 1; n <= 4; n++) success(history, n)
    failure(history, 5)
    expect(history.entries('debug').map((entry) => [entry.attempt, entry.version, entry.outcome])).toEqual([
      [3, 3, 'reloaded'],
      [4, 4, 'reloaded'],
      [5, null, 'failed'],
    ])
    expect(history.kept('debug', 2)).toBeUndefined()
    expect(history.kept('debug', 4)?.version?.version).toBe(4)
    expect(history.keptClasses('debug')).toBe(2)
    expect(history.entries('debug')[2]).toMatchObject({ kept: false, sourceHash: hashOf('broken'), kind: 'syntax' })
  })

  test('sources are capped in bytes overall: the oldest go first, hashes and classes stay', () => {
    const history = new ReloadHistory(20, 25)
    success(history, 1, 'a'.repeat(10))
    success(history, 2, 'b'.repeat(10))
    success(history, 3, 'c'.repeat(10))
    expect(history.kept('debug', 1)).toMatchObject({ source: undefined })
    expect(history.kept('debug', 1)?.version?.version).toBe(1)
    // Its version's own copy goes too: nothing holds the text any more.
    expect(history.kept('debug', 1)?.version?.source).toBeUndefined()
    expect(history.kept('debug', 2)?.source).toBe('b'.repeat(10))
    expect(history.entries('debug')[0].sourceHash).toBe(hashOf('a'.repeat(10)))
  })

  test('the cap counts UTF-8 bytes and never drops the source of the version serving now', () => {
    const history = new ReloadHistory(20, 12)
    success(history, 1, 'é'.repeat(4)) // 8 bytes
    success(history, 2, 'ü'.repeat(4)) // 8 more: over the cap, v1's text goes
    expect(history.kept('debug', 1)?.source).toBeUndefined()
    expect(history.kept('debug', 2)?.source).toBe('ü'.repeat(4))
    // A wizard whose current source alone is over the cap still keeps it (the coordinator compares it with the disk).
    success(history, 3, 'x'.repeat(50))
    expect(history.kept('debug', 3)).toMatchObject({ source: 'x'.repeat(50), version: { source: 'v3' } })
    expect(history.kept('debug', 2)?.source).toBeUndefined()
  })

  test('config texts count against the cap too, and entries carry the config file and its hash', () => {
    const history = new ReloadHistory(20, 25)
    const config = { file: '/w/debug_wizard.config.yaml', hash: hashOf('x: 1\n') }
    history.record(
      'debug',
      { version: 1, outcome: 'loaded', timestamp: 1, durationMs: 1, file: '/w/debug_wizard.ts', source: 'a'.repeat(10), config, configSource: 'y'.repeat(10) },
      version(1),
    )
    expect(history.entries('debug')[0]).toMatchObject({ configFile: '/w/debug_wizard.config.yaml', configHash: config.hash })
    expect(history.kept('debug', 1)?.configSource).toBe('y'.repeat(10))
    history.record(
      'debug',
      { version: 2, outcome: 'config', timestamp: 2, durationMs: 1, file: '/w/debug_wizard.ts', source: 'a'.repeat(10), config, configSource: 'z'.repeat(10) },
      version(2),
    )
    expect(history.kept('debug', 1)).toMatchObject({ source: undefined, configSource: undefined })
    expect(history.kept('debug', 2)).toMatchObject({ configSource: 'z'.repeat(10) })
    expect(history.entries('debug')[1]).toMatchObject({ outcome: 'config' })
  })

  test('undo goes to the version registered before the current registration', () => {
    const history = new ReloadHistory(20)
    for (let n = 1; n <= 3; n++) success(history, n)
    expect(history.registeredBefore('debug', 3)).toBe(2)
    history.record('debug', { version: 1, outcome: 'rolled-back', timestamp: 9, durationMs: 1, file: '/w/debug_wizard.ts', source: 'v1' }, version(1))
    // After rolling back to v1, undo returns to v3 (the version left).
    expect(history.registeredBefore('debug', 1)).toBe(3)
    expect(new ReloadHistory(20).registeredBefore('debug', 1)).toBeUndefined()
  })

  test('history 0 records nothing', () => {
    const history = new ReloadHistory(0)
    success(history, 1)
    expect(history.entries('debug')).toEqual([])
    expect(history.kept('debug', 1)).toBeUndefined()
  })
})

test('classes are bounded in bytes: beyond the budget the oldest are released, their source (and rollback by evaluating it) stays', () => {
  // A budget of 100 bytes of kept classes: at 4× their 20-byte sources, one old class fits.
  const history = new ReloadHistory(20, 1000, 100)
  for (let n = 1; n <= 4; n++) success(history, n, String(n).repeat(20))
  expect(history.holdsClass('debug', 4)).toBe(true) // the newest: it serves
  expect(history.holdsClass('debug', 3)).toBe(true)
  expect(history.holdsClass('debug', 2)).toBe(false)
  expect(history.holdsClass('debug', 1)).toBe(false)
  expect(history.kept('debug', 1)).toMatchObject({ version: undefined, meta: { version: 1 }, source: '1'.repeat(20) })
  expect(history.entries('debug').map((entry) => entry.kept)).toEqual([true, true, true, true])
  expect(history.keptClasses('debug')).toBe(2)
})

test('a class stays weighed after its source text is dropped: the byte budget holds when the source cap is small too', () => {
  // Sources capped at 50 bytes (the newest two 20-byte sources fit), classes at 100 (one old 80-byte class fits).
  const history = new ReloadHistory(20, 50, 100)
  for (let n = 1; n <= 10; n++) success(history, n, String(n % 10).repeat(20))
  expect(history.keptClasses('debug')).toBe(2) // the serving one and one old one, not ten
  expect(history.holdsClass('debug', 9)).toBe(true)
  expect(history.holdsClass('debug', 8)).toBe(false)

  // A rollback registers a kept class again whose text is gone: it weighs what it did.
  const again = { ...version(9), source: undefined }
  history.record('debug', { version: 9, outcome: 'rolled-back', timestamp: 11, durationMs: 1, file: '/w/debug_wizard.ts' }, again)
  success(history, 12, 'x'.repeat(20))
  success(history, 13, 'y'.repeat(20))
  expect(history.keptClasses('debug')).toBe(2)
})
