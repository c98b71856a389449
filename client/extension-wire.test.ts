import { expect, test } from 'vitest'
import { closeReason } from './extension-wire.ts'

test('a close reason fits a close frame (123 bytes of UTF-8), cut at whole characters', () => {
  expect(closeReason('not paired')).toBe('not paired')
  const ascii = closeReason('x'.repeat(500))
  expect(new TextEncoder().encode(ascii).length).toBeLessThanOrEqual(123)
  const wide = closeReason('é€😀'.repeat(100))
  expect(new TextEncoder().encode(wide).length).toBeLessThanOrEqual(123)
  expect(wide.endsWith('…')).toBe(true)
  expect(wide).not.toContain('\uFFFD')
  expect([...wide.slice(0, -1)].every((char) => 'é€😀'.includes(char))).toBe(true)
})
