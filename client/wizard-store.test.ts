import { afterEach, expect, test } from 'vitest'
import { FakeHotContext } from '../test/fake-hot-context.ts'
import { WIZARD_EVENTS, type WizardFailedPayload } from './protocol.ts'
import { wizardStore, type StoreEvent } from './wizard-store.ts'

const failure = (wizardId: string, timestamp: number): WizardFailedPayload => ({
  wizardId,
  file: `/p/wizards/${wizardId}_wizard.ts`,
  timestamp,
  keptPreviousVersion: true,
  error: { kind: 'evaluate', message: `Error: ${wizardId} broke` },
})

let hot: FakeHotContext
afterEach(() => wizardStore(hot).close())

test('one store per page: every part asking gets the same one, and the server is asked once (again after a reconnect)', () => {
  hot = new FakeHotContext()
  const store = wizardStore(hot)
  expect(wizardStore(new FakeHotContext())).toBe(store)
  expect(hot.sent).toEqual([{ event: WIZARD_EVENTS.ready, data: { client: 'page' } }])
  hot.emit('vite:ws:connect', {})
  expect(hot.sent).toHaveLength(1)
  hot.emit('vite:ws:disconnect', {})
  hot.emit('vite:ws:connect', {})
  expect(hot.sent).toHaveLength(2)
})

test('rows follow the events; a snapshot replaces what was failing; listeners hear each event once, after the rows changed', () => {
  hot = new FakeHotContext()
  const store = wizardStore(hot)
  const heard: Array<[StoreEvent['type'], number]> = []
  store.subscribe((event) => heard.push([event.type, store.counts.failed]))
  hot.emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/p/wizards/debug_wizard.ts', version: 1, reloadCount: 1, durationMs: 1, timestamp: 1 })
  hot.emit(WIZARD_EVENTS.failed, failure('report', 2))
  hot.emit(WIZARD_EVENTS.failed, failure('debug', 3))
  expect(store.counts).toEqual({ total: 2, failed: 2, pinned: 0 })
  expect(store.focus).toBe('debug')
  expect(store.get('debug')).toMatchObject({ version: 1, state: 'failed' })

  hot.emit(WIZARD_EVENTS.state, {
    failures: [failure('report', 2)],
    wizards: [{ wizardId: 'debug', file: '/p/wizards/debug_wizard.ts', version: 2, state: 'pinned' }],
  })
  expect(store.failures.map((f) => f.wizardId)).toEqual(['report'])
  expect(store.counts).toEqual({ total: 2, failed: 1, pinned: 1 })

  hot.emit(WIZARD_EVENTS.rolledBack, { wizardId: 'debug', file: '/p/wizards/debug_wizard.ts', version: 1, pinned: false, timestamp: 4 })
  hot.emit(WIZARD_EVENTS.removed, { wizardId: 'report', file: '/p/wizards/report_wizard.ts', timestamp: 5 })
  expect(store.all).toEqual([{ wizardId: 'debug', file: '/p/wizards/debug_wizard.ts', version: 1, state: 'ok' }])
  expect(heard).toEqual([
    ['reloaded', 0],
    ['failed', 1],
    ['failed', 2],
    ['state', 1],
    ['rolled-back', 1],
    ['removed', 0],
  ])
})

test('closing stops listening to the HMR channel and the next caller gets a fresh store', () => {
  hot = new FakeHotContext()
  const store = wizardStore(hot)
  const heard: string[] = []
  store.subscribe((event) => heard.push(event.type))
  store.close()
  expect(hot.listenerCount(WIZARD_EVENTS.failed)).toBe(0)
  hot.emit(WIZARD_EVENTS.failed, failure('debug', 1))
  expect(heard).toEqual([])
  expect(wizardStore(hot)).not.toBe(store)
})
