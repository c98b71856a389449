import fs from 'node:fs'
import path from 'node:path'
import type { FSWatcher } from 'chokidar'
import { afterEach, expect, test, vi } from 'vitest'
import { makeTempDir } from '../../test/temp-project.ts'
import { OutsideWatch } from './outside-watch.ts'

let watch: OutsideWatch | undefined
afterEach(async () => {
  await watch?.close()
  watch = undefined
})

const optionsOf = (outside: OutsideWatch) => (outside as unknown as { chokidar: FSWatcher }).chokidar.options

test.each([
  ['file-system events', false as const],
  ['polling (the polling option)', 40],
])('a module outside the wizard folders: edits, deletion and re-creation are reported — with %s', async (_, polling) => {
  const root = makeTempDir()
  const file = path.join(root, 'src/lib/format.ts')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, 'export const f = 1\n')
  const changes: string[] = []
  const onError = vi.fn()
  watch = new OutsideWatch(20, (changed, type) => changes.push(`${type} ${path.relative(root, changed)}`), onError, polling)
  watch.add(file)
  watch.add(file)
  expect(watch.size).toBe(1)
  expect(optionsOf(watch).usePolling).toBe(polling !== false)
  if (polling) expect(optionsOf(watch).interval).toBe(polling)
  // chokidar reports once it has looked at the file: the first edit may come before, so edit until one is seen.
  let n = 2
  await vi.waitFor(
    () => {
      fs.writeFileSync(file, `export const f = ${n++}\n`)
      expect(changes).toContain('update src/lib/format.ts')
    },
    { timeout: 10_000, interval: 300 },
  )
  fs.rmSync(file)
  await expect.poll(() => changes.includes('delete src/lib/format.ts'), { timeout: 10_000 }).toBe(true)
  fs.writeFileSync(file, 'export const f = 9\n')
  await expect.poll(() => changes.includes('create src/lib/format.ts'), { timeout: 10_000 }).toBe(true)
  expect(onError).not.toHaveBeenCalled()
})

test('node_modules, relative paths and virtual ids are left to Vite', () => {
  watch = new OutsideWatch(
    20,
    () => {},
    () => {},
  )
  watch.add('/app/node_modules/pkg/index.js')
  watch.add('src/relative.ts')
  watch.add('\0virtual:thing')
  expect(watch.size).toBe(0)
})
