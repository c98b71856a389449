import fs from 'node:fs'

/** The file's text, or undefined when it is missing, unreadable or not a regular file. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** True for an existing regular file (a folder named `foo_wizard.ts` is not one). */
export function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}
