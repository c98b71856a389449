import { readSignature, sameSignature, type FileSignature } from './file-signature.ts'

/**
 * chokidar — ours and the one bundled in Vite — drops a `change` of a path that comes within 50 ms
 * of the previous one it emitted (`_throttle(EV.CHANGE, path, 50)`), so a quick second save would
 * be lost. After each event, this looks at the file once more, just after that window, and calls
 * `onMissed` if it moved on since.
 */
export const CHOKIDAR_CHANGE_THROTTLE_MS = 50
const TRAILING_CHECK_MS = CHOKIDAR_CHANGE_THROTTLE_MS + 15

export class TrailingCheck {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly onMissed: (file: string, exists: boolean) => void) {}

  /** An event for `file` was seen; `seen` is its signature then (null: it was gone), read now when omitted. */
  after(file: string, seen: FileSignature | null = readSignature(file)): void {
    clearTimeout(this.timers.get(file))
    const timer = setTimeout(() => {
      this.timers.delete(file)
      const now = readSignature(file)
      if (!sameSignature(now, seen)) this.onMissed(file, now !== null)
    }, TRAILING_CHECK_MS)
    this.timers.set(file, timer)
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
