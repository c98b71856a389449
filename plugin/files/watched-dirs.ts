import { isWithin } from './symlink-rule.ts'

/** The watched folders: "is this file in one of them" answered in one place. */
export class WatchedDirs {
  /**
   * @param dirs absolute real paths (the ones Vite's module graph uses); they may not exist yet
   * @param aliases the same folders as configured through symlinks (for keeping Vite's watcher out)
   */
  constructor(
    readonly dirs: readonly string[],
    readonly aliases: readonly string[] = [],
  ) {}

  /** True for a path equal to or below one of the watched folders (under its real path). */
  contains(file: string): boolean {
    return this.dirs.some((dir) => isWithin(file, dir))
  }

  /** Like `contains`, also under the folders' configured (symlinked) paths. */
  containsAnyAlias(file: string): boolean {
    return this.contains(file) || this.aliases.some((dir) => isWithin(file, dir))
  }
}
