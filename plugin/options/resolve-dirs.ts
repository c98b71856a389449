import fs from 'node:fs'
import path from 'node:path'

/** The folders watched when neither `dirs` nor HOT_RELOAD_WATCH_DIRS names any (those that exist). */
export const DEFAULT_WIZARD_DIRS = ['wizards', 'coach_wizards', 'empathy_software_plugin/wizards', 'empathy_llm_toolkit/wizards'] as const

/** The folders to watch: HOT_RELOAD_WATCH_DIRS (comma-separated) wins over `options.dirs`; absolute, deduplicated, checked. */
export function resolveDirs(option: unknown, envValue: string | undefined, root: string, warn: (m: string) => void): string[] {
  let source: string
  let entries: string[]
  const fromEnv =
    envValue === undefined
      ? []
      : envValue
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
  // A list of nothing but commas and blanks names no folder: as if it were unset (the option or the defaults decide).
  if (envValue !== undefined && envValue.trim() !== '' && fromEnv.length === 0) warn(`HOT_RELOAD_WATCH_DIRS="${envValue}" names no folder; ignoring it.`)
  if (fromEnv.length > 0) {
    source = 'HOT_RELOAD_WATCH_DIRS'
    entries = fromEnv
  } else if (option !== undefined) {
    source = 'options.dirs'
    if (!Array.isArray(option) || option.some((entry) => typeof entry !== 'string')) {
      warn(`options.dirs must be an array of folder paths; using the default folders.`)
      return defaultDirs(root)
    }
    entries = option
  } else {
    return defaultDirs(root)
  }
  const dirs: string[] = []
  for (const entry of entries) {
    if (entry.trim() === '') {
      // path.resolve(root, '') is the root: every module of the project would become a wizard candidate.
      warn(`${source}: an empty entry would watch the whole project (${root}); skipping it. To mean the project folder, say "."`)
      continue
    }
    const absolute = path.resolve(root, entry)
    const kind = pathKind(absolute)
    if (kind === 'other') {
      warn(`${source}: "${entry}" is not a folder (${absolute}); skipping it.`)
      continue
    }
    // A folder that does not exist yet is watched for and loaded once it is created.
    if (kind === 'missing') warn(`${source}: "${entry}" does not exist (yet): ${absolute}; it is watched for and its wizards load once it is created.`)
    if (!dirs.includes(absolute)) dirs.push(absolute)
  }
  return dirs
}

function defaultDirs(root: string): string[] {
  return DEFAULT_WIZARD_DIRS.map((dir) => path.resolve(root, dir)).filter(isDirectory)
}

/** The real path; for a folder that does not exist yet, its nearest existing ancestor's real path plus the rest. */
export function realpath(dir: string): string {
  try {
    return fs.realpathSync(dir)
  } catch {
    const parent = path.dirname(dir)
    return parent === dir ? dir : path.join(realpath(parent), path.basename(dir))
  }
}

function isDirectory(file: string): boolean {
  return pathKind(file) === 'folder'
}

function pathKind(file: string): 'folder' | 'missing' | 'other' {
  try {
    return fs.statSync(file).isDirectory() ? 'folder' : 'other'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'other'
  }
}
