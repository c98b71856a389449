import type { StoreEvent } from '../../client/wizard-store.ts'
import type { ServerView } from '../servers/server-view.ts'
import { foldChanges, moodChanges, type Mood, type MoodChange } from './moods.ts'
import { planNotifications, type NotificationSpec } from './plan.ts'

export interface NotifierOptions {
  /** Is one of this dev server's pages in front (its toast shows it)? */
  appFocused: (view: ServerView) => Promise<boolean>
  show: (spec: NotificationSpec) => void
  /** Where the moods already notified are kept across service-worker restarts (chrome.storage.session). */
  moods: { load(): Promise<Record<string, Record<string, Mood>>>; save(moods: Record<string, Record<string, Mood>>): void }
  /** A burst ends when nothing changed for this long… @default 500 */
  quietMs?: number
  /** …or this long after it began. @default 2000 */
  maxWaitMs?: number
}

interface Burst {
  view: ServerView
  changes: MoodChange[]
  quiet: ReturnType<typeof setTimeout>
  deadline: ReturnType<typeof setTimeout> | undefined
}

/**
 * System notifications from what the dev servers' stores hear: one per wizard per change of mood,
 * gathered for a moment so a burst (a branch switch of 300 files) is one summary; none while a page
 * of that dev server is in front. The mood is recorded either way — a failure the toast showed is not
 * announced again by the next snapshot.
 */
export class Notifier {
  /** What the last bursts came to (newest last): for the service worker's console, and the e2e tests' witness of a notification not shown. */
  readonly recent: Array<{ server: string; wizards: string[]; shown: string[]; appInFront: boolean }> = []
  private moods: Record<string, Record<string, Mood>> = {}
  private readonly loaded: Promise<void>
  private queue: Promise<void> = Promise.resolve()
  private readonly bursts = new Map<string, Burst>()

  constructor(private readonly options: NotifierOptions) {
    this.loaded = options.moods.load().then(
      (moods) => void (this.moods = moods),
      () => {},
    )
  }

  /** An event a dev server's store applied. */
  heard(view: ServerView, event: StoreEvent): void {
    // In order, after the moods are loaded: a snapshot right after a restart of the worker must see them.
    this.queue = this.queue.then(async () => {
      await this.loaded
      const { next, changes } = moodChanges(this.moods[view.server] ?? {}, event)
      this.moods = { ...this.moods, [view.server]: next }
      this.options.moods.save(this.moods)
      if (changes.length > 0) this.gather(view, changes)
    })
    // One event that could not be told must not silence every later one (a rejected chain skips its thens).
    this.queue = this.queue.catch((error: unknown) => console.error('wizard hot reload: a notification could not be prepared', error))
  }

  /** A forgotten dev server: nothing more about it. */
  forget(server: string): void {
    const { [server]: _gone, ...rest } = this.moods
    this.moods = rest
    this.options.moods.save(this.moods)
    const burst = this.bursts.get(server)
    if (burst) clearTimeout(burst.quiet)
    if (burst) clearTimeout(burst.deadline)
    this.bursts.delete(server)
  }

  private gather(view: ServerView, changes: MoodChange[]): void {
    const burst = this.bursts.get(view.server)
    if (burst) clearTimeout(burst.quiet)
    const flush = () => this.flush(view.server)
    const next: Burst = {
      view,
      changes: foldChanges(burst?.changes ?? [], changes),
      quiet: setTimeout(flush, this.options.quietMs ?? 500),
      deadline: burst?.deadline ?? setTimeout(flush, this.options.maxWaitMs ?? 2000),
    }
    this.bursts.set(view.server, next)
  }

  private async flush(server: string): Promise<void> {
    const burst = this.bursts.get(server)
    if (!burst) return
    this.bursts.delete(server)
    clearTimeout(burst.quiet)
    clearTimeout(burst.deadline)
    if (burst.changes.length === 0) return
    const appInFront = await this.options.appFocused(burst.view)
    const specs = appInFront ? [] : planNotifications(burst.view, burst.changes)
    for (const spec of specs) this.options.show(spec)
    this.recent.push({ server, wizards: burst.changes.map((change) => change.wizardId), shown: specs.map((spec) => spec.id), appInFront })
    this.recent.splice(0, this.recent.length - 20)
  }
}
