import { expect, test } from 'vitest'
import { createCodeFrame } from './code-frame.ts'

test('code frame marks the line and the column', () => {
  const source = ['one', 'two', 'three()', 'four', 'five', 'six'].join('\n')
  expect(createCodeFrame(source, 3, 6)).toBe(['  1 | one', '  2 | two', '> 3 | three()', '    |      ^', '  4 | four', '  5 | five'].join('\n'))
  expect(createCodeFrame(source, 99, 1)).toBe('')
  expect(createCodeFrame('a\nb\n', 2, 1)).toBe(['  1 | a', '> 2 | b', '    | ^'].join('\n'))
  expect(createCodeFrame('a +\n', 2, 1)).toBe(['  1 | a +', '> 2 | ', '    | ^'].join('\n'))
})
