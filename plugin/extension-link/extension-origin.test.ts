import { expect, test } from 'vitest'
import { isExtensionOrigin } from './extension-origin.ts'

test.each([
  ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', true],
  ['moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', true],
  // Near misses: a page, a path, a wrong id, another scheme, nothing.
  ['http://127.0.0.1:5173', false],
  ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/', false],
  ['chrome-extension://abcdefghijklmnopabcdefghijklmnoq', false],
  ['chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP', false],
  ['safari-web-extension://abcdefghijklmnopabcdefghijklmnop', false],
  ['null', false],
  [undefined, false],
])('%s → %s', (origin, expected) => {
  expect(isExtensionOrigin(origin)).toBe(expected)
})
