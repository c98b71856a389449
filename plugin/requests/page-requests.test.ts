import { expect, test } from 'vitest'
import { parseRequest } from './page-requests.ts'

test.each([
  [null, '', 'a request needs an "id"'],
  [{ type: 'history', wizardId: 'debug' }, '', 'a request needs an "id"'],
  [{ id: 'x'.repeat(65), type: 'history', wizardId: 'debug' }, '', 'a request needs an "id"'],
  [{ id: '1', type: 'delete-everything', wizardId: 'debug' }, '1', 'unknown request type "delete-everything"'],
  [{ id: '1', type: 'history' }, '1', '"wizardId" must be a wizard id'],
  [{ id: '1', type: 'history', wizardId: 42 }, '1', '"wizardId" must be a wizard id'],
  [{ id: '1', type: 'rollback', wizardId: 'debug' }, '1', '"version" must be a version number'],
  [{ id: '1', type: 'rollback', wizardId: 'debug', version: 1.5 }, '1', '"version" must be a version number'],
  [{ id: '1', type: 'rollback', wizardId: 'debug', version: '3' }, '1', '"version" must be a version number'],
  [{ id: '1', type: 'diff', wizardId: 'debug', from: 1 }, '1', '"to" must be a version number'],
  [{ id: '1', type: 'diff', wizardId: 'debug', from: 0, to: 2 }, '1', '"from" must be a version number'],
])('%j is refused: %s', (data, id, error) => {
  expect(parseRequest(data)).toEqual({ id, error: expect.stringContaining(error) })
})

test('valid requests come out typed, with nothing extra', () => {
  expect(parseRequest({ id: 'a', type: 'history', wizardId: 'debug', extra: true })).toEqual({ request: { id: 'a', type: 'history', wizardId: 'debug' } })
  expect(parseRequest({ id: 'b', type: 'rollback', wizardId: 'debug', version: 3 })).toEqual({
    request: { id: 'b', type: 'rollback', wizardId: 'debug', version: 3 },
  })
  expect(parseRequest({ id: 'c', type: 'diff', wizardId: 'debug', from: 1, to: 3 })).toEqual({
    request: { id: 'c', type: 'diff', wizardId: 'debug', from: 1, to: 3 },
  })
  expect(parseRequest({ id: 'd', type: 'undo', wizardId: 'debug' })).toEqual({ request: { id: 'd', type: 'undo', wizardId: 'debug' } })
  expect(parseRequest({ id: 'e', type: 'retry', wizardId: 'debug' })).toEqual({ request: { id: 'e', type: 'retry', wizardId: 'debug' } })
  // The panel's "Connect the browser extension": no wizard, nothing else taken.
  expect(parseRequest({ id: 'f', type: 'extension-offer', wizardId: 'debug', code: 'mine' })).toEqual({ request: { id: 'f', type: 'extension-offer' } })
})
