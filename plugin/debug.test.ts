import { afterEach, expect, test, vi } from 'vitest'
import { createDebug } from './debug.ts'

const saved = process.env.DEBUG
afterEach(() => {
  if (saved === undefined) delete process.env.DEBUG
  else process.env.DEBUG = saved
  vi.restoreAllMocks()
})

test.each([
  ['vite:wizard-hot-reload', true],
  ['vite:*', true],
  ['*', true],
  ['other, vite:wizard-hot-reload', true],
  ['vite:wizard', false],
  ['vite:hmr', false],
  ['', false],
])('DEBUG=%j turns the debug output on: %s', (value, on) => {
  process.env.DEBUG = value
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const debug = createDebug('vite:wizard-hot-reload')
  expect(debug !== undefined).toBe(on)
  debug?.('debug v2 registered (code) in 3.1 ms: detect 50.2, load 2.7, register 0.1, dispose 0.1 ms')
  if (on)
    expect(write).toHaveBeenCalledWith(
      expect.stringMatching(/^\S+Z vite:wizard-hot-reload debug v2 registered \(code\) in 3\.1 ms: detect 50\.2, load 2\.7, register 0\.1, dispose 0\.1 ms\n$/),
    )
  else expect(write).not.toHaveBeenCalled()
})
