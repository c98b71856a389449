import fs from 'node:fs'
import path from 'node:path'
import { watch } from 'chokidar'
import { afterEach, expect, test } from 'vitest'
import { makeTempDir } from '../../test/temp-project.ts'
import { onRawEvent } from './chokidar-raw.ts'

/** chokidar's `raw` event is undocumented: the watcher's early start and folder-rename detection lean on its shape. */
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

test("chokidar emits 'raw' (event, name, { watchedPath }) straight from fs.watch: a change names the file in its folder; a watched folder's own rename names itself", async () => {
  const root = makeTempDir('chokidar-raw-')
  const dir = path.join(root, 'wizards')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'a.ts'), 'a')
  const watcher = watch(dir, { ignoreInitial: true })
  cleanups.push(async () => {
    await watcher.close()
    fs.rmSync(root, { recursive: true, force: true })
  })
  const seen: Array<[string, string, string]> = []
  onRawEvent(watcher, (event, name, watchedPath) => seen.push([event, name, watchedPath]))
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  fs.writeFileSync(path.join(dir, 'a.ts'), 'b')
  await expect.poll(() => seen.some(([event, name, watchedPath]) => event === 'change' && name === 'a.ts' && watchedPath === dir)).toBe(true)
  fs.renameSync(dir, path.join(root, 'moved'))
  await expect.poll(() => seen.some(([event, name, watchedPath]) => event === 'rename' && name === 'wizards' && watchedPath === dir)).toBe(true)
})
