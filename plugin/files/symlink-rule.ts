import fs from 'node:fs'
import path from 'node:path'

export type SymlinkVerdict =
  /** Not a symlink to a folder, or one whose files are reachable no other way: walk it. */
  | { follow: true }
  /** Leads back to a folder on its own path (`ln -s . self`, `ln -s .. up`): never walked. */
  | { follow: false; loop: true; target: string }
  /** Points into a watched folder whose files are already watched under their real paths. */
  | { follow: false; loop: false; target: string }

/**
 * One rule for the walker and the watcher, decided per entry (so both agree whatever order they
 * see entries in): a symlinked folder is followed unless its real path is that of a folder on the
 * link's own path (a loop) or lies inside a watched folder (the same files under a second name).
 * Each real file is watched once, under its real path when it has one inside `dirs`.
 */
export class SymlinkRule {
  private readonly verdicts = new Map<string, SymlinkVerdict>()

  /** @param realDirs the watched folders, real paths */
  constructor(private readonly realDirs: readonly string[]) {}

  /** For a folder entry (or a symlink to one) at `dir`. */
  verdict(dir: string): SymlinkVerdict {
    const cached = this.verdicts.get(dir)
    if (cached) return cached
    const verdict = this.decide(dir)
    this.verdicts.set(dir, verdict)
    return verdict
  }

  /** Entries below `dir` may have changed (a folder was removed or re-created). */
  forget(dir: string): void {
    for (const key of this.verdicts.keys()) if (key === dir || key.startsWith(dir + path.sep)) this.verdicts.delete(key)
  }

  private decide(dir: string): SymlinkVerdict {
    let isLink: boolean
    try {
      isLink = fs.lstatSync(dir).isSymbolicLink()
    } catch {
      return { follow: true }
    }
    if (!isLink) return { follow: true }
    let target: string
    try {
      target = fs.realpathSync(dir)
      if (!fs.statSync(target).isDirectory()) return { follow: true } // a symlinked file: watched like any file
    } catch {
      return { follow: true } // a dangling link: nothing to walk, nothing to loop
    }
    // A loop: the link leads back to a folder on its own path (`self → .`, `up → ..`, or round
    // through other links: `a/x → ../b`, `b/y → ../a`).
    if (this.realAncestors(path.dirname(dir)).some((ancestor) => ancestor === target)) return { follow: false, loop: true, target }
    if (this.realDirs.some((root) => isWithin(target, root))) return { follow: false, loop: false, target }
    return { follow: true }
  }

  /** The real path of `dir` and of each folder above it. */
  private realAncestors(dir: string): string[] {
    const reals: string[] = []
    for (let current = dir; ; current = path.dirname(current)) {
      try {
        reals.push(fs.realpathSync(current))
      } catch {
        // part of the path vanished: nothing to compare there
      }
      if (path.dirname(current) === current) return reals
    }
  }
}

/** `inner` is `outer` or below it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep)
}
