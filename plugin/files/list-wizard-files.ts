import fs from 'node:fs/promises'
import path from 'node:path'
import type { SymlinkRule, SymlinkVerdict } from './symlink-rule.ts'
import { isSkippedFileName, isSkippedFolderName } from './wizard-files.ts'

export interface ListOptions {
  /** Decides which symlinked folders to walk (shared with the watcher, so both see the same files). */
  symlinks: SymlinkRule
  /** Told about every symlinked folder that is not walked. */
  onSkippedLink?: (link: string, verdict: Extract<SymlinkVerdict, { follow: false }>) => void
}

/**
 * Every file below `dirs` (recursively; skipping node_modules, __tests__, dot-folders and
 * editors' temporary files), sorted. Folders are never files, whatever their names; symlinked
 * folders follow the shared rule.
 */
export async function listWatchedFiles(dirs: readonly string[], { symlinks, onSkippedLink }: ListOptions): Promise<string[]> {
  const files = new Set<string>()
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[]
    try {
      entries = await fs.readdir(dir, { withFileTypes: true })
    } catch {
      return // vanished meanwhile, or unreadable
    }
    const below: Promise<void>[] = []
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.isFile()) {
        if (!isSkippedFileName(entry.name)) files.add(full)
      } else if (entry.isDirectory()) {
        if (!isSkippedFolderName(entry.name)) below.push(walk(full))
      } else if (entry.isSymbolicLink()) {
        below.push(followLink(full, entry.name))
      }
    }
    await Promise.all(below)
  }
  const followLink = async (link: string, name: string): Promise<void> => {
    let stats: import('node:fs').Stats
    try {
      stats = await fs.stat(link)
    } catch {
      return // dangling
    }
    if (stats.isFile()) {
      if (!isSkippedFileName(name)) files.add(link)
      return
    }
    if (!stats.isDirectory() || isSkippedFolderName(name)) return
    const verdict = symlinks.verdict(link)
    if (verdict.follow) return walk(link)
    onSkippedLink?.(link, verdict)
  }
  await Promise.all(dirs.map(walk))
  return [...files].sort()
}
