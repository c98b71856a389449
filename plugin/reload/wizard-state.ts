import type { WizardReloadError, WizardStatusEntry } from '../../client/protocol.ts'
import type { WizardClass } from '../types.ts'

export interface WizardRecord {
  wizardId: string
  file: string
  /** The class currently registered, or null when no version has loaded yet. */
  wizardClass: WizardClass | null
  /** The source text the registered class was loaded from (to tell a real change from a repeated event). */
  loadedSource: string | undefined
  /** The latest attempt that was registered or reported: what it read, and when it started (`performance.now()`). */
  lastAttempt: { source: string | undefined; startedAt: number } | undefined
  /** Successful hot reloads (the initial load does not count). */
  reloadCount: number
  lastReload: Date | null
  lastError: { error: WizardReloadError; timestamp: number } | null
}

/** What is loaded: one record per wizard id. Feeds the status endpoint and the snapshot sent to new pages. */
export class WizardStateStore {
  private readonly records = new Map<string, WizardRecord>()
  private totalReloads = 0

  get(wizardId: string): WizardRecord | undefined {
    return this.records.get(wizardId)
  }

  /** The wizard id a file is currently known under, if any. */
  idOfFile(file: string): string | undefined {
    for (const record of this.records.values()) if (record.file === file) return record.wizardId
    return undefined
  }

  all(): WizardRecord[] {
    return [...this.records.values()]
  }

  get reloadCount(): number {
    return this.totalReloads
  }

  recordSuccess(wizardId: string, file: string, wizardClass: WizardClass, source: string | undefined, countsAsReload: boolean): WizardRecord {
    const record = this.ensure(wizardId, file)
    record.file = file
    record.wizardClass = wizardClass
    record.loadedSource = source
    record.lastReload = new Date()
    record.lastError = null
    if (countsAsReload) {
      record.reloadCount++
      this.totalReloads++
    }
    return record
  }

  recordFailure(wizardId: string, file: string, error: WizardReloadError, timestamp: number): WizardRecord {
    const record = this.ensure(wizardId, file)
    if (record.wizardClass === null) record.file = file
    record.lastError = { error, timestamp }
    return record
  }

  delete(wizardId: string): void {
    this.records.delete(wizardId)
  }

  /** Wizards whose latest load failed. */
  failures(): WizardRecord[] {
    return this.all().filter((record) => record.lastError !== null)
  }

  /** Registered classes, for re-registering into a fresh registry. */
  registered(): WizardRecord[] {
    return this.all().filter((record) => record.wizardClass !== null)
  }

  toStatus(): Record<string, WizardStatusEntry> {
    const wizards: Record<string, WizardStatusEntry> = {}
    for (const record of this.all().sort((a, b) => a.wizardId.localeCompare(b.wizardId))) {
      wizards[record.wizardId] = {
        file: record.file,
        reload_count: record.reloadCount,
        last_reload: record.lastReload?.toISOString() ?? null,
        last_error: record.lastError?.error.message ?? null,
        last_error_kind: record.lastError?.error.kind ?? null,
        last_error_loc: record.lastError?.error.loc ?? null,
      }
    }
    return wizards
  }

  private ensure(wizardId: string, file: string): WizardRecord {
    let record = this.records.get(wizardId)
    if (!record) {
      record = { wizardId, file, wizardClass: null, loadedSource: undefined, lastAttempt: undefined, reloadCount: 0, lastReload: null, lastError: null }
      this.records.set(wizardId, record)
    }
    return record
  }
}
