import { stripVTControlCharacters } from 'node:util'
import { bounded, LIMITS } from '../errors/limits.ts'

/** The latest problem that is not a reload failure (a callback that threw, a watcher error), for the status endpoint. */
export class ProblemLog {
  private latest: { message: string; at: number } | undefined

  record(message: string): void {
    // Plain text (a Vite error quoted in it may carry terminal colours).
    this.latest = { message: bounded(stripVTControlCharacters(message), LIMITS.message), at: Date.now() }
  }

  get last(): { message: string; at: number } | undefined {
    return this.latest
  }
}
