import { afterEach, expect, test, vi } from 'vitest'
import { FakeHotContext } from '../test/fake-hot-context.ts'
import { wizardActions } from './api.ts'
import { WIZARD_EVENTS } from './protocol.ts'
import type { WizardRequest } from './wire.ts'
import { createRequester } from './requests.ts'

afterEach(() => {
  vi.useRealTimers()
})

function lastRequest(hot: FakeHotContext): WizardRequest {
  return hot.sent.at(-1)!.data as WizardRequest
}

test('each request gets its own id; replies resolve or reject the matching one only', async () => {
  const hot = new FakeHotContext()
  const { request } = createRequester(hot)
  const history = request({ type: 'history', wizardId: 'debug' })
  const undo = request({ type: 'undo', wizardId: 'debug' })
  const [first, second] = hot.sent.map((message) => message.data as WizardRequest)
  expect(hot.sent.every((message) => message.event === WIZARD_EVENTS.request)).toBe(true)
  expect(first.id).not.toBe(second.id)
  // Replies for other pages' requests, and junk, are ignored.
  hot.emit(WIZARD_EVENTS.reply, { id: 'someone-else', ok: true, result: [] })
  hot.emit(WIZARD_EVENTS.reply, null)
  hot.emit(WIZARD_EVENTS.reply, { id: 42 })
  hot.emit(WIZARD_EVENTS.reply, { id: second.id, ok: false, error: 'debug has no earlier version' })
  hot.emit(WIZARD_EVENTS.reply, { id: first.id, ok: true, result: [{ attempt: 1 }] })
  await expect(undo).rejects.toThrow('debug has no earlier version')
  await expect(history).resolves.toEqual([{ attempt: 1 }])
})

test('no answer → rejects after 15 s; close() stops listening and rejects what still waits', async () => {
  vi.useFakeTimers()
  const hot = new FakeHotContext()
  const { request, close } = createRequester(hot)
  const slow = request({ type: 'retry', wizardId: 'debug' })
  const settled = slow.then(
    () => undefined,
    (error: Error) => error.message,
  )
  await vi.advanceTimersByTimeAsync(15_000)
  expect(await settled).toContain('no answer to "retry" within 15 s')
  const pending = request({ type: 'history', wizardId: 'debug' })
  close()
  await expect(pending).rejects.toThrow('the overlay was closed')
  expect(hot.listenerCount(WIZARD_EVENTS.reply)).toBe(0)
  expect(lastRequest(hot).type).toBe('history')
})

test('the client helper rejects with a clear reason where Vite does not serve the page', async () => {
  await expect(wizardActions.history('debug')).rejects.toThrow('not served by a Vite dev server')
  await expect(wizardActions.rollback('debug', 1)).rejects.toThrow('import.meta.hot is undefined')
})
