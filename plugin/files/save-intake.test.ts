import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { readSignature } from './file-signature.ts'
import { SaveIntake } from './save-intake.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'save-intake-'))
const file = path.join(dir, 'debug_wizard.ts')
afterEach(() => fs.rmSync(file, { force: true }))

/** Writes with a distinct mtime (a second write within one clock tick would keep the signature). */
function write(content: string, mtimeMs: number) {
  fs.writeFileSync(file, content)
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000)
}

test('a content is new once; another event for it is a repeat; the same content written again is a retry only while what it produced is failing', () => {
  const intake = new SaveIntake()
  write('a', 1_000_000)
  expect(intake.look(file)).toEqual({ type: 'new', content: 'a' })
  expect(intake.look(file)).toEqual({ type: 'repeat' })
  write('a', 2_000_000)
  expect(intake.look(file, () => false)).toEqual({ type: 'repeat' })
  write('a', 3_000_000)
  expect(intake.look(file, () => true)).toEqual({ type: 'retry', content: 'a' })
  expect(intake.look(file, () => true)).toEqual({ type: 'repeat' }) // the same write again: no second retry
  write('b', 4_000_000)
  expect(intake.look(file, () => true)).toEqual({ type: 'new', content: 'b' })
  fs.rmSync(file)
  expect(intake.look(file)).toEqual({ type: 'gone' })
  write('b', 5_000_000)
  expect(intake.look(file)).toEqual({ type: 'new', content: 'b' }) // back after a delete: new again
})

test('what a load read is processed: its event is a repeat, and the load it queued finds the file loaded as on disk', () => {
  const intake = new SaveIntake()
  write('', 1_000_000) // a shell redirect's truncate, seen by the first event
  expect(intake.look(file).type).toBe('new')
  write('final', 2_000_000) // its write, which the load reads before the second event is looked at
  intake.read(file, 'final', readSignature(file))
  expect(intake.loadedAsOnDisk(file)).toBe(true)
  expect(intake.look(file, () => true)).toEqual({ type: 'repeat' })
  write('newer', 3_000_000)
  expect(intake.loadedAsOnDisk(file)).toBe(false)
})

test('memory is a hash per file, whatever the file holds', () => {
  const intake = new SaveIntake()
  write('x'.repeat(5 * 1024 * 1024), 1_000_000)
  expect(intake.look(file).type).toBe('new')
  const kept = JSON.stringify([...(intake as unknown as { processed: Map<string, unknown> }).processed.values()])
  expect(kept.length).toBeLessThan(300)
})

test('a chmod or a read (ctime, atime) is no write: no retry', () => {
  const intake = new SaveIntake()
  write('a', 1_000_000)
  expect(intake.look(file).type).toBe('new')
  fs.chmodSync(file, 0o600)
  expect(intake.look(file, () => true)).toEqual({ type: 'repeat' })
})
