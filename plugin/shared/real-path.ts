import fs from 'node:fs'
import { attempt } from './attempt.ts'

/** A file's real path (through symlinks), or undefined when it cannot be resolved (gone, unreadable). */
export function realPathOf(file: string): string | undefined {
  return attempt(() => fs.realpathSync.native(file))
}

/** Two paths to one file on disk (the same path, or through symlinks). */
export function sameRealFile(a: string, b: string): boolean {
  if (a === b) return true
  const real = realPathOf(a)
  return real !== undefined && real === realPathOf(b)
}

/** `file` and, when it differs, its real path: Vite keys modules by real path, watchers report link paths. */
export function pathAndRealPath(file: string): string[] {
  const real = realPathOf(file)
  return real && real !== file ? [file, real] : [file]
}
