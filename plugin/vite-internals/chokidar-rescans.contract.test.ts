import fs from 'node:fs'
import path from 'node:path'
import { watch } from 'chokidar'
import { afterEach, expect, test } from 'vitest'
import { makeTempDir } from '../../test/temp-project.ts'
import { skipNoOpRescans } from './chokidar-rescans.ts'

/**
 * The rescan skip leans on chokidar 5 internals. If an upgrade changes them, these fail loudly
 * (the skip itself then installs nothing and chokidar keeps its own, slower, behaviour).
 */
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function watched(files: string[], beforeReady?: (watcher: ReturnType<typeof watch>) => void) {
  const root = makeTempDir('chokidar-contract-')
  const dir = path.join(root, 'wizards')
  fs.mkdirSync(dir)
  for (const file of files) fs.writeFileSync(path.join(dir, file), file)
  const watcher = watch(dir, { ignoreInitial: true, ignored: (file) => path.basename(file).startsWith('.') })
  cleanups.push(async () => {
    await watcher.close()
    fs.rmSync(root, { recursive: true, force: true })
  })
  beforeReady?.(watcher)
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  return { dir, watcher, internals: watcher as unknown as Record<string, unknown> & { _nodeFsHandler: Record<string, unknown> } }
}

test('chokidar exposes _nodeFsHandler._handleRead(directory, initialAdd, wh, target, dir, depth, throttler)', async () => {
  const { internals } = await watched(['a.ts'])
  expect(typeof internals._nodeFsHandler._handleRead).toBe('function')
  expect((internals._nodeFsHandler._handleRead as (...args: unknown[]) => unknown).length).toBe(7)
  expect(internals._throttled).toBeInstanceOf(Map)
  expect(typeof internals._getWatchedDir).toBe('function')
})

test("_getWatchedDir(dir).getChildren() is exactly the tracked names; a running read holds the 'readdir' throttle key", async () => {
  const { dir, watcher, internals } = await watched(['a.ts', 'b.ts', '.hidden'])
  const getWatchedDir = (internals._getWatchedDir as (dir: string) => { getChildren(): string[] }).bind(watcher)
  expect(getWatchedDir(dir).getChildren().sort()).toEqual(['a.ts', 'b.ts'])

  const seenDuringRead: boolean[] = []
  const handler = internals._nodeFsHandler as { _handleRead: (...args: unknown[]) => unknown }
  const original = handler._handleRead
  handler._handleRead = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args)
    seenDuringRead.push((internals._throttled as Map<string, Map<string, unknown>>).get('readdir')?.has(path.join(args[0] as string, '')) ?? false)
    return result
  }
  const added = new Promise<string>((resolve) => watcher.once('add', resolve))
  fs.writeFileSync(path.join(dir, 'c.ts'), 'c')
  expect(path.basename(await added)).toBe('c.ts')
  expect(seenDuringRead).toContain(true)
  expect(getWatchedDir(dir).getChildren().sort()).toEqual(['a.ts', 'b.ts', 'c.ts'])
})

test('installed on a real watcher: content changes skip the re-read, adds and deletes still get it', async () => {
  let stats!: ReturnType<typeof skipNoOpRescans>
  const { dir, watcher } = await watched(['a.ts', 'b.ts'], (fresh) => {
    stats = skipNoOpRescans(fresh, (entry) => !entry.name.startsWith('.'))
  })
  expect(stats.installed).toBe(true)
  const afterScan = stats.performed
  const changed = new Promise<string>((resolve) => watcher.once('change', resolve))
  fs.writeFileSync(path.join(dir, 'a.ts'), 'a2')
  await changed
  await expect.poll(() => stats.skipped).toBeGreaterThan(0)
  expect(stats.performed).toBe(afterScan)
  const added = new Promise<string>((resolve) => watcher.once('add', resolve))
  fs.writeFileSync(path.join(dir, 'new.ts'), 'n')
  expect(path.basename(await added)).toBe('new.ts')
  const removed = new Promise<string>((resolve) => watcher.once('unlink', resolve))
  fs.rmSync(path.join(dir, 'b.ts'))
  expect(path.basename(await removed)).toBe('b.ts')
  expect(stats.performed).toBeGreaterThan(afterScan)
})

test('chokidar passes one watch helper per added folder to every later read of it (the first read is never skipped)', async () => {
  const reads: Array<{ directory: string; helper: unknown }> = []
  const { dir } = await watched(['a.ts'], (fresh) => {
    const handler = (fresh as unknown as { _nodeFsHandler: { _handleRead: (...args: unknown[]) => unknown } })._nodeFsHandler
    const original = handler._handleRead
    handler._handleRead = function (this: unknown, ...args: unknown[]) {
      reads.push({ directory: args[0] as string, helper: args[2] })
      return original.apply(this, args)
    }
  })
  fs.writeFileSync(path.join(dir, 'a.ts'), 'changed')
  const ofDir = () => reads.filter((read) => read.directory === dir)
  await expect.poll(() => ofDir().length).toBeGreaterThan(1)
  expect(new Set(ofDir().map((read) => read.helper)).size).toBe(1)
})

test('internals that are not what it expects: nothing is installed', () => {
  const fake = { _nodeFsHandler: { _handleRead: () => {} }, _throttled: new Map() }
  expect(skipNoOpRescans(fake as never, () => true).installed).toBe(false)
})
