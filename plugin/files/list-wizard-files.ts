import fs from 'node:fs/promises'
import path from 'node:path'
import { isSkippedFolderName, isSourceFile } from './wizard-files.ts'

/** Every module file below `dirs` (recursively, skipping node_modules, __tests__ and dot-folders), sorted. */
export async function listSourceFiles(dirs: string[]): Promise<string[]> {
  const files = new Set<string>()
  for (const dir of dirs) {
    let entries: string[]
    try {
      entries = await fs.readdir(dir, { recursive: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      if (entry.split(path.sep).some(isSkippedFolderName)) continue
      const file = path.join(dir, entry)
      if (isSourceFile(file)) files.add(file)
    }
  }
  return [...files].sort()
}
