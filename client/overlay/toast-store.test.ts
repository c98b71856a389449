import { describe, expect, test } from 'vitest'
import { applyEvent, applySnapshot, dismiss, ToastStore, type Toast, type ToastEvent } from './toast-store.ts'
import type { WizardFailedPayload } from '../protocol.ts'

const reloaded = (wizardId: string, reloadCount = 1): ToastEvent => ({
  type: 'reloaded',
  payload: { wizardId, file: `/w/${wizardId}.ts`, reloadCount, durationMs: 3, timestamp: 1 },
})
let clock = 0
/** A new failure each call (its own timestamp, as the server sends them). */
const failed = (wizardId: string, message = 'SyntaxError: x'): ToastEvent & { type: 'failed' } => ({
  type: 'failed',
  payload: { wizardId, file: `/w/${wizardId}.ts`, timestamp: ++clock, error: { kind: 'syntax', message } },
})
const removed = (wizardId: string): ToastEvent => ({ type: 'removed', payload: { wizardId, file: `/w/${wizardId}.ts`, timestamp: 1 } })
const run = (events: ToastEvent[]) => events.reduce<Toast[]>((toasts, event) => applyEvent(toasts, event), [])

describe('applyEvent', () => {
  test('a burst of reloads of one wizard is one toast with a count', () => {
    const toasts = run([reloaded('debug', 1), reloaded('debug', 2), reloaded('debug', 3)])
    expect(toasts).toHaveLength(1)
    expect(toasts[0]).toMatchObject({ wizardId: 'debug', type: 'reloaded', count: 3, sticky: false })
    expect((toasts[0].payload as { reloadCount: number }).reloadCount).toBe(3)
  })

  test('several wizards stack, newest last', () => {
    expect(run([reloaded('a'), failed('b'), reloaded('c')]).map((t) => t.wizardId)).toEqual(['a', 'b', 'c'])
  })

  test('a success replaces that wizard’s failure; a removal too', () => {
    expect(run([failed('debug'), reloaded('debug')])).toMatchObject([{ type: 'reloaded', count: 1 }])
    expect(run([failed('debug'), removed('debug')])).toMatchObject([{ type: 'removed', sticky: false }])
  })

  test('failures are sticky; the same failure again counts, a new one replaces it', () => {
    expect(run([failed('debug'), failed('debug')])).toMatchObject([{ type: 'failed', count: 2, sticky: true }])
    const changed = run([failed('debug', 'a'), failed('debug', 'b')])
    expect(changed).toMatchObject([{ count: 1 }])
    expect((changed[0].payload as { error: { message: string } }).error.message).toBe('b')
  })

  test('every update gets a new key; dismiss removes by key', () => {
    const [first] = run([reloaded('a')])
    const [second] = applyEvent([first], reloaded('a'))
    expect(second.key).not.toBe(first.key)
    expect(dismiss([first], first.key)).toEqual([])
  })
})

describe('a broken helper', () => {
  const helperFailure = (wizardId: string): ToastEvent => ({
    type: 'failed',
    payload: {
      wizardId,
      file: `/w/${wizardId}_wizard.ts`,
      timestamp: ++clock,
      error: { kind: 'syntax', message: 'SyntaxError: Unexpected token', loc: { file: '/w/shared/format.ts', line: 3, column: 5 } },
    },
  })

  test('failures with the same cause in another module share one toast', () => {
    const toasts = run([helperFailure('a'), reloaded('x'), helperFailure('b'), helperFailure('c')])
    expect(toasts.map((t) => [t.type, t.wizardIds])).toEqual([
      ['reloaded', ['x']],
      ['failed', ['a', 'b', 'c']],
    ])
    expect(toasts[1].sticky).toBe(true)
  })

  test('a wizard that reloads leaves the shared toast; the others stay', () => {
    const toasts = run([helperFailure('a'), helperFailure('b'), reloaded('a')])
    expect(toasts.map((t) => [t.type, t.wizardIds])).toEqual([
      ['failed', ['b']],
      ['reloaded', ['a']],
    ])
  })

  test('the same wizard failing again is not listed twice; an error in its own file stays its own toast', () => {
    expect(run([helperFailure('a'), helperFailure('b'), helperFailure('a')]).map((t) => t.wizardIds)).toEqual([['b', 'a']])
    expect(run([helperFailure('a'), failed('b')]).map((t) => t.wizardIds)).toEqual([['a'], ['b']])
  })
})

describe('state snapshots (idempotent)', () => {
  const snapshot = (...failures: WizardFailedPayload[]) => ({ failures })

  test('the same failure event twice, or a snapshot repeating it, is one toast with no count', () => {
    const event = failed('debug')
    expect(run([event, event])).toMatchObject([{ type: 'failed', count: 1 }])
    const toasts = applySnapshot(applySnapshot(run([event]), snapshot(event.payload)), snapshot(event.payload))
    expect(toasts).toHaveLength(1)
    expect(toasts[0]).toMatchObject({ type: 'failed', count: 1 })
  })

  test('a snapshot adds failures not shown yet and drops failure toasts of wizards that are fine now', () => {
    const a = failed('a')
    const b = failed('b')
    const toasts = applySnapshot(run([a, reloaded('c')]), snapshot(b.payload))
    expect(toasts.map((toast) => `${toast.wizardId}:${toast.type}`)).toEqual(['c:reloaded', 'b:failed'])
  })

  test('a failure the user dismissed does not come back with the next snapshot; a new failure does', () => {
    const store = new ToastStore()
    const first = failed('debug')
    store.applySnapshot(snapshot(first.payload))
    store.dismiss(store.current[0].key)
    store.applySnapshot(snapshot(first.payload))
    expect(store.current).toEqual([])
    const second = failed('debug', 'SyntaxError: y')
    store.applySnapshot(snapshot(second.payload))
    expect(store.current).toMatchObject([{ type: 'failed', count: 1 }])
  })
})
