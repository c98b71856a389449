import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import type { WizardStateStore } from './wizard-state.ts'

/** Replaced versions of one wizard still alive after a full GC, beyond what is kept on purpose, before one warning. */
export const LEAK_THRESHOLD = 3

interface Retired {
  version: number
  ref: WeakRef<object>
}

/**
 * Notices versions that do not go away. Each replaced version's class is tracked weakly (a
 * FinalizationRegistry drops it from the list once collected); after each full garbage collection
 * (observed, never forced) the versions of every wizard still alive are counted. More than
 * LEAK_THRESHOLD replaced ones beyond those kept on purpose (the previous one, which the current
 * version's context names, and those the history keeps for rollback) means something holds them:
 * one warning per wizard, and status `live_versions`.
 */
export class LeakWatch {
  private readonly byWizard = new Map<string, Retired[]>()
  private readonly warned = new Set<string>()
  /** Per wizard: its versions alive after the last full GC (the current one included). */
  private readonly live = new Map<string, number>()
  private readonly finalization = new FinalizationRegistry<{ wizardId: string; version: number }>(({ wizardId, version }) => {
    const list = this.byWizard.get(wizardId)
    if (list)
      this.byWizard.set(
        wizardId,
        list.filter((entry) => entry.version !== version),
      )
  })
  private readonly observer: PerformanceObserver | undefined

  constructor(
    private readonly state: WizardStateStore,
    private readonly warn: (message: string) => void,
    /** True for a version the history keeps on purpose (to roll back to). */
    private readonly keptOnPurpose: (wizardId: string, version: number) => boolean = () => false,
  ) {
    try {
      this.observer = new PerformanceObserver((list) => {
        const major = list
          .getEntries()
          .some((entry) => ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0) === constants.NODE_PERFORMANCE_GC_MAJOR)
        if (major) setImmediate(() => this.check())
      })
      this.observer.observe({ entryTypes: ['gc'] })
    } catch {
      this.observer = undefined // no GC observation here: no leak warnings, nothing else changes
    }
  }

  retired(wizardId: string, version: number, wizardClass: object): void {
    const list = this.byWizard.get(wizardId) ?? []
    list.push({ version, ref: new WeakRef(wizardClass) })
    this.byWizard.set(wizardId, list)
    this.finalization.register(wizardClass, { wizardId, version })
  }

  /** Counts what survived; called after each full GC (and by tests after `gc()`). */
  check(): void {
    for (const record of this.state.all()) {
      const alive = (this.byWizard.get(record.wizardId) ?? []).filter((entry) => entry.ref.deref() !== undefined)
      this.byWizard.set(record.wizardId, alive)
      this.live.set(record.wizardId, alive.length + (record.current ? 1 : 0))
      const previous = record.current?.context.previous
      const unexplained = alive.filter((entry) => !this.keptOnPurpose(record.wizardId, entry.version) && entry.ref.deref() !== previous).length
      if (unexplained > LEAK_THRESHOLD && !this.warned.has(record.wizardId)) {
        this.warned.add(record.wizardId)
        this.warn(
          `${record.wizardId}: ${alive.length} replaced versions are still in memory after garbage collection (versions ${alive.map((entry) => entry.version).join(', ')}). ` +
            `Something created at module top level holds them — a timer, a listener, a cache or a connection. Undo it in import.meta.hot.dispose(() => …) or tie it to the register context's signal.`,
        )
      }
    }
  }

  /** How many of `wizardId`'s versions were alive after the last full GC, or null before one was seen. */
  liveVersions(wizardId: string): number | null {
    return this.live.get(wizardId) ?? null
  }

  close(): void {
    this.observer?.disconnect()
  }
}
