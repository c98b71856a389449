import { hashOf } from '../shared/content-hash.ts'
import { readSignature, type FileSignature } from './file-signature.ts'
import { readText } from './read-text.ts'

/** What a file event turned out to be. */
export type SaveLook =
  /** Content not processed yet: a new save. */
  | { type: 'new'; content: string }
  /** What was processed last (another event of the same save). */
  | { type: 'repeat' }
  /** The same content written again (a new signature) while its processing had failed: try again. */
  | { type: 'retry'; content: string }
  /** The file is not there (deleted, or not readable as text). */
  | { type: 'gone' }

interface Processed {
  hash: string
  signature: FileSignature | null
}

/**
 * "Is this a new save?" — decided here, once, for every file the plugin follows: wizards, helper
 * modules, config files, and modules outside the folders that wizards import.
 *
 * The invariant: **each distinct content a file settles on is processed once.** One save reaches
 * us as several events — fs.watch and chokidar both, a shell redirect's truncate then its write,
 * the watcher's trailing look after chokidar's throttle, an editor's write-then-rename — and each
 * of them finds the file reading as what was last seen or read: a repeat. Loads report what they
 * read (`read`), so an event that arrives after a load already read its content is a repeat too,
 * and a load queued by an event that a load before it overtook (it read the newer content) has
 * nothing left to do (`loadedAsOnDisk`). The one exception: the same content written again (a new
 * mtime, size or inode) while what it produced is not in effect (failing, or rolled back) is a
 * retry — saving again is how a user says "try again".
 *
 * Around it, nothing else decides: the watcher only collects events (one debounce per file, a
 * trailing look after chokidar's throttle), and the reload engine only makes sure that what is
 * registered in the end is what is on disk (a file that changes while it loads is loaded again;
 * an empty read gets a moment for the write that follows a truncate).
 *
 * Memory: a hash and a signature per file seen — bounded by the number of files, whatever they hold.
 */
export class SaveIntake {
  /** What each file read as at its latest event or load. */
  private readonly processed = new Map<string, Processed>()
  /** What each file read as when a load last read it. */
  private readonly loaded = new Map<string, string>()

  /**
   * Looks at `file` now: a new save, a repeat, or a retry (`failing`: what this file produced is
   * failing now). A new save or a retry counts as processed from here on.
   */
  look(file: string, failing: () => boolean = () => false): SaveLook {
    const signature = readSignature(file)
    const content = signature === null ? undefined : readText(file)
    if (content === undefined) {
      this.forget(file)
      return { type: 'gone' }
    }
    const hash = hashOf(content)
    const last = this.processed.get(file)
    this.processed.set(file, { hash, signature })
    if (last === undefined || last.hash !== hash) return { type: 'new', content }
    if (!writtenAgain(last.signature, signature) || !failing()) return { type: 'repeat' }
    return { type: 'retry', content }
  }

  /** A load read `file` as `content` (at `signature`): an event for that content is a repeat from now on. */
  read(file: string, content: string | undefined, signature: FileSignature | null): void {
    if (content === undefined) {
      this.forget(file)
      return
    }
    const hash = hashOf(content)
    this.processed.set(file, { hash, signature })
    this.loaded.set(file, hash)
  }

  /** True when a load already read `file` as it is on disk now: loading it again would change nothing. */
  loadedAsOnDisk(file: string): boolean {
    const loaded = this.loaded.get(file)
    const content = loaded === undefined ? undefined : readText(file)
    return content !== undefined && hashOf(content) === loaded
  }

  forget(file: string): void {
    this.processed.delete(file)
    this.loaded.delete(file)
  }
}

/** A write since `before` (a new mtime, or a new file renamed over it) — not a chmod or a read, which only touch ctime or atime. */
function writtenAgain(before: FileSignature | null, now: FileSignature | null): boolean {
  if (!before || !now) return before !== now
  return before.mtimeMs !== now.mtimeMs || before.ino !== now.ino || before.size !== now.size
}
