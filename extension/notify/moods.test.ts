import { expect, test } from 'vitest'
import type { WizardFailedPayload, WizardReloadedPayload } from '../../client/protocol.ts'
import type { StoreEvent } from '../../client/wizard-store.ts'
import { foldChanges, moodChanges, type Mood } from './moods.ts'

const failed = (wizardId: string): WizardFailedPayload => ({
  wizardId,
  file: `/p/wizards/${wizardId}_wizard.ts`,
  timestamp: 1,
  error: { kind: 'syntax', message: 'SyntaxError: Unexpected token', loc: { file: `/p/wizards/${wizardId}_wizard.ts`, line: 3, column: 9 } },
  keptPreviousVersion: true,
})
const reloaded = (wizardId: string, version: number, backendsFailed = 0): WizardReloadedPayload =>
  ({
    wizardId,
    file: `/p/wizards/${wizardId}_wizard.ts`,
    version,
    backends: backendsFailed
      ? { total: 2, ok: 2 - backendsFailed, minMs: 1, maxMs: 1, failed: [{ name: 'api', error: { kind: 'import', message: 'Cannot find module' } }] }
      : undefined,
  }) as WizardReloadedPayload
const state = (failures: WizardFailedPayload[], ok: string[]): StoreEvent => ({
  type: 'state',
  payload: {
    failures,
    wizards: [
      ...failures.map((failure) => ({ wizardId: failure.wizardId, file: failure.file, version: 1, state: 'failed' as const })),
      ...ok.map((wizardId) => ({ wizardId, file: '', version: 2, state: 'ok' as const })),
    ],
  },
})

test('a change of mood is news; the same mood again, or a first sight of a fine wizard, is not', () => {
  let known: Record<string, Mood> = {}
  const step = (event: StoreEvent) => {
    const { next, changes } = moodChanges(known, event)
    known = next
    return changes.map((change) => `${change.wizardId}: ${change.from ?? '-'} → ${change.to}`)
  }
  expect(step(state([], ['debug', 'plan']))).toEqual([])
  expect(step({ type: 'failed', payload: failed('debug') })).toEqual(['debug: ok → failed'])
  expect(step({ type: 'failed', payload: failed('debug') })).toEqual([])
  expect(step({ type: 'reloaded', payload: reloaded('debug', 3) })).toEqual(['debug: failed → ok'])
  expect(step({ type: 'reloaded', payload: reloaded('plan', 3, 1) })).toEqual(['plan: ok → backend-failed'])
  // A snapshot (after a reconnect) says nothing of backends: a backend failure stands until a reload says otherwise.
  expect(step(state([], ['debug', 'plan']))).toEqual([])
  expect(step({ type: 'reloaded', payload: reloaded('plan', 4) })).toEqual(['plan: backend-failed → ok'])
  // A dev server restarted with a failure the extension already told: nothing again; a fix found in the snapshot is a recovery.
  expect(step({ type: 'failed', payload: failed('debug') })).toEqual(['debug: ok → failed'])
  expect(step(state([failed('debug')], ['plan']))).toEqual([])
  expect(step(state([], ['debug', 'plan']))).toEqual(['debug: failed → ok'])
  // A wizard gone from the snapshot is forgotten.
  expect(step(state([], ['debug']))).toEqual([])
  expect(known).toEqual({ debug: 'ok' })
})

test('a burst folds into one change per wizard; a failure fixed within it is no news', () => {
  const first = moodChanges({ a: 'ok', b: 'ok' }, state([failed('a'), failed('b')], []))
  const second = moodChanges(first.next, { type: 'reloaded', payload: reloaded('a', 5) })
  expect(foldChanges(first.changes, second.changes).map((change) => [change.wizardId, change.from, change.to])).toEqual([['b', 'ok', 'failed']])
})
