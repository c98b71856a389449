import { expect, test } from 'vitest'
import { guardedAbortController } from './version-signal.ts'

test('listeners that throw or reject are reported, never thrown into the process; removal and onabort work', async () => {
  const errors: unknown[] = []
  const controller = guardedAbortController((error) => errors.push(error))
  const order: string[] = []
  const removed = () => order.push('removed')
  controller.signal.addEventListener('abort', () => {
    order.push('throws')
    throw new Error('x')
  })
  controller.signal.addEventListener('abort', () => {
    order.push('bigint')
    throw 42n
  })
  controller.signal.addEventListener('abort', async () => {
    order.push('rejects')
    throw new Error('later')
  })
  controller.signal.addEventListener('abort', { handleEvent: () => void order.push('object') })
  controller.signal.addEventListener('abort', removed)
  controller.signal.removeEventListener('abort', removed)
  controller.signal.onabort = () => {
    order.push('onabort')
    throw new Error('handler')
  }
  expect(controller.signal.onabort).toBeTypeOf('function')
  const uncaught: unknown[] = []
  const onUncaught = (error: unknown) => uncaught.push(error)
  process.prependListener('uncaughtException', onUncaught)
  try {
    controller.abort()
    await new Promise((resolve) => setTimeout(resolve, 20))
  } finally {
    process.off('uncaughtException', onUncaught)
  }
  expect(order).toEqual(['throws', 'bigint', 'rejects', 'object', 'onabort'])
  expect(errors.map(String)).toEqual(['Error: x', '42', 'Error: handler', 'Error: later'])
  expect(uncaught).toEqual([])
  expect(controller.signal.aborted).toBe(true)
})
