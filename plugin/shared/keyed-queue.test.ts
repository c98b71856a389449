import { expect, test } from 'vitest'
import { KeyedSerialQueue } from './keyed-queue.ts'

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

test('tasks of one key never overlap; other keys run alongside', async () => {
  const queue = new KeyedSerialQueue()
  const log: string[] = []
  const gate = deferred()
  const a1 = queue.run('a', async () => {
    log.push('a1 start')
    await gate.promise
    log.push('a1 end')
  })
  const a2 = queue.run('a', async () => void log.push('a2'))
  const b1 = queue.run('b', async () => void log.push('b1'))
  await b1
  expect(log).toEqual(['a1 start', 'b1'])
  gate.resolve()
  await Promise.all([a1, a2])
  expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2'])
})

test('a token already waiting joins the waiting task instead of running twice', async () => {
  const queue = new KeyedSerialQueue()
  const gate = deferred()
  let runs = 0
  void queue.run('a', () => gate.promise)
  const first = queue.run('a', async () => void runs++, 'file')
  const second = queue.run('a', async () => void runs++, 'file')
  gate.resolve()
  await Promise.all([first, second])
  expect(runs).toBe(1)
  await queue.run('a', async () => void runs++, 'file')
  expect(runs).toBe(2)
})

test('a failing task does not stop the ones after it; idle() waits for all', async () => {
  const queue = new KeyedSerialQueue()
  const done: number[] = []
  const failing = queue.run('a', async () => {
    throw new Error('boom')
  })
  void queue.run('a', async () => void done.push(2))
  await expect(failing).rejects.toThrow('boom')
  await queue.idle()
  expect(done).toEqual([2])
  expect(queue.size).toBe(0)
})
