import fs, { type Stats } from 'node:fs'

/** What changes when a file's content is replaced: compared instead of reading the file. */
export interface FileSignature {
  mtimeMs: number
  ctimeMs: number
  size: number
  ino: number
}

export function signatureOf(stats: Stats | undefined): FileSignature | null {
  return stats ? { mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size, ino: stats.ino } : null
}

/** The signature of a regular file, or null when there is none (missing, or a folder). */
export function readSignature(file: string): FileSignature | null {
  try {
    const stats = fs.statSync(file)
    return stats.isFile() ? signatureOf(stats) : null
  } catch {
    return null
  }
}

export function sameSignature(a: FileSignature | null | undefined, b: FileSignature | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino
}
