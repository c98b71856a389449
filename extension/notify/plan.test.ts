import { expect, test } from 'vitest'
import type { WizardFailedPayload, WizardReloadedPayload } from '../../client/protocol.ts'
import type { MoodChange } from './moods.ts'
import { BURST_LIMIT, notificationId, parseNotificationId, planNotifications } from './plan.ts'

const view = { server: 'http://localhost:5173', project: 'shop', root: '/home/me/shop' }
const failure = (wizardId: string): MoodChange => ({
  wizardId,
  from: 'ok',
  to: 'failed',
  failure: {
    wizardId,
    file: `/home/me/shop/wizards/${wizardId}_wizard.ts`,
    timestamp: 1,
    error: {
      kind: 'syntax',
      message: 'SyntaxError: Unexpected token\n  at x',
      loc: { file: `/home/me/shop/wizards/${wizardId}_wizard.ts`, line: 12, column: 3 },
    },
    keptPreviousVersion: true,
  } satisfies WizardFailedPayload,
})

test('a failure: the wizard, its kind and file:line relative to the project, the first line of the message', () => {
  expect(planNotifications(view, [failure('debug')])).toEqual([
    {
      id: 'wizard-hot-reload|http://localhost:5173|w:debug',
      title: 'debug failed to reload',
      message: 'syntax · wizards/debug_wizard.ts:12\nSyntaxError: Unexpected token\nThe previous version keeps serving.',
      contextMessage: 'shop (localhost:5173)',
    },
  ])
})

test('a recovery, and a backend that failed while the dev server succeeded', () => {
  const backend = {
    wizardId: 'plan',
    version: 4,
    backends: { total: 3, ok: 2, minMs: 1, maxMs: 2, failed: [{ name: 'api', error: { kind: 'import', message: "Cannot find module 'x'\nRequire stack" } }] },
  } as WizardReloadedPayload
  const specs = planNotifications(view, [
    { wizardId: 'debug', from: 'failed', to: 'ok', version: 7, how: 'reloaded' },
    { wizardId: 'plan', from: 'ok', to: 'backend-failed', reloaded: backend },
  ])
  expect(specs.map(({ title, message }) => ({ title, message }))).toEqual([
    { title: 'debug works again', message: 'v7 reloaded' },
    { title: 'plan: backend api failed', message: "v4 runs in the dev server and 2/3 backends; api: Cannot find module 'x'" },
  ])
})

test('a branch switch of 300 files is one summary for the dev server', () => {
  const changes = Array.from({ length: 300 }, (_, i) =>
    i < 280 ? failure(`w${i}`) : ({ wizardId: `w${i}`, from: 'failed', to: 'ok', version: 2, how: 'reloaded' } as const),
  )
  const specs = planNotifications(view, changes)
  expect(specs).toEqual([
    {
      id: 'wizard-hot-reload|http://localhost:5173|*',
      title: '300 wizards changed: 280 failed, 20 work again',
      message: 'w0, w1, w2, w3, w4, w5, and 294 more',
      contextMessage: 'shop (localhost:5173)',
    },
  ])
  expect(planNotifications(view, changes.slice(0, BURST_LIMIT))).toHaveLength(BURST_LIMIT)
})

test("a notification's id names what a click opens", () => {
  expect(parseNotificationId(notificationId('http://127.0.0.1:5173', 'a|b'))).toEqual({ server: 'http://127.0.0.1:5173', wizardId: 'a|b' })
  expect(parseNotificationId(notificationId('http://127.0.0.1:5173'))).toEqual({ server: 'http://127.0.0.1:5173' })
  expect(parseNotificationId('someone-else|x')).toBeUndefined()
})
