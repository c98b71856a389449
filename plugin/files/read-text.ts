import fs from 'node:fs'
import { attempt } from '../shared/attempt.ts'

/** The file's text, or undefined when it is missing, unreadable or not a regular file. */
export function readText(file: string): string | undefined {
  return attempt(() => fs.readFileSync(file, 'utf8'))
}

/** True for an existing regular file (a folder named `foo_wizard.ts` is not one). */
export function isFile(file: string): boolean {
  return attempt(() => fs.statSync(file, { throwIfNoEntry: false })?.isFile()) ?? false
}

/** True for an existing folder. */
export function isDirectory(dir: string): boolean {
  return attempt(() => fs.statSync(dir).isDirectory()) ?? false
}

/** A folder's entries, or undefined when it cannot be read. */
export function listDir(dir: string): fs.Dirent[] | undefined {
  return attempt(() => fs.readdirSync(dir, { withFileTypes: true }))
}
