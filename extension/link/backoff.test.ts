import { expect, test } from 'vitest'
import { backoffMs } from './backoff.ts'

test('quick at first, then every 30 s; jittered within ±20 %', () => {
  const middle = () => 0.5
  expect([0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffMs(attempt, middle))).toEqual([1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000])
  expect(backoffMs(0, () => 0)).toBe(800)
  expect(backoffMs(5, () => 1)).toBe(36000)
})
