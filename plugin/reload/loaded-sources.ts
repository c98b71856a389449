import fs from 'node:fs'

/**
 * Remembers the exact source text Vite read for each watched file when it last transformed it,
 * so after a reload we can tell whether what got evaluated is still what is on disk
 * (a watcher may swallow the last of several quick writes).
 */
export class LoadedSources {
  private readonly sources = new Map<string, string>()

  record(file: string, code: string): void {
    this.sources.set(file, code)
  }

  forget(file: string): void {
    this.sources.delete(file)
  }

  /** True when a source was recorded and the file on disk still equals it. */
  matchesDisk(file: string): boolean {
    return this.sources.has(file) && this.isCurrent(file)
  }

  /** True when the file on disk equals the source last loaded (or when nothing was recorded). */
  isCurrent(file: string): boolean {
    const loaded = this.sources.get(file)
    if (loaded === undefined) return true
    try {
      return fs.readFileSync(file, 'utf8') === loaded
    } catch {
      return false
    }
  }
}
