import { stripVTControlCharacters } from 'node:util'
import type { WizardReloadError, WizardStatusEntry, WizardSummary } from '../../client/protocol.ts'
import type { FileSignature } from '../files/file-signature.ts'
import type { ReloadHistory } from './history.ts'
import type { WizardClass } from '../types.ts'
import type { WizardVersion } from './wizard-version.ts'

export interface WizardRecord {
  wizardId: string
  file: string
  /** The class currently registered, or null when no version has loaded yet (`current.wizardClass`). */
  wizardClass: WizardClass | null
  /** The version registered now. */
  current: WizardVersion | undefined
  /** The latest attempt that was registered or reported: what it read, and when it started (`performance.now()`). */
  lastAttempt: { source: string | undefined; signature: FileSignature | null; startedAt: number } | undefined
  /** Versions alive after the last full GC (see LeakWatch), or null before one. */
  liveVersions: number | null
  /**
   * Rolled back to this version: the file on disk is newer, and its next save unpins the wizard.
   * `signature` is the file's at the rollback: a late event for that same write is not a save.
   */
  pinned: { version: number; signature: FileSignature | null; /** hash of its config file on disk then, or null */ configOnDisk: string | null } | undefined
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

  recordSuccess(version: WizardVersion, countsAsReload: boolean): WizardRecord {
    const record = this.ensure(version.wizardId, version.file)
    record.file = version.file
    record.wizardClass = version.wizardClass
    record.current = version
    record.pinned = undefined
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

  /** What the overlay's badge and panel show. */
  summaries(): WizardSummary[] {
    return this.all()
      .sort((a, b) => a.wizardId.localeCompare(b.wizardId))
      .map((record) => ({ wizardId: record.wizardId, file: record.file, version: record.current?.version ?? null, state: record.lastError ? 'failed' : record.pinned !== undefined ? 'pinned' : 'ok' }))
  }

  toStatus(history?: ReloadHistory): Record<string, WizardStatusEntry> {
    const wizards: Record<string, WizardStatusEntry> = {}
    for (const record of this.all().sort((a, b) => a.wizardId.localeCompare(b.wizardId))) {
      wizards[record.wizardId] = {
        file: record.file,
        version: record.current?.version ?? null,
        reload_count: record.reloadCount,
        last_reload: record.lastReload?.toISOString() ?? null,
        last_error: record.lastError?.error.message ?? null,
        last_error_kind: record.lastError?.error.kind ?? null,
        last_error_loc: record.lastError?.error.loc ?? null,
        last_error_frame: record.lastError?.error.frame === undefined ? null : stripVTControlCharacters(record.lastError.error.frame),
        last_phases: record.current?.phases ?? null,
        live_versions: record.liveVersions,
        pinned_version: record.pinned?.version ?? null,
        config_file: record.current?.config?.file ?? null,
        config_hash: record.current?.config?.hash ?? null,
        history: history?.entries(record.wizardId) ?? [],
      }
    }
    return wizards
  }

  private ensure(wizardId: string, file: string): WizardRecord {
    let record = this.records.get(wizardId)
    if (!record) {
      record = { wizardId, file, wizardClass: null, current: undefined, lastAttempt: undefined, liveVersions: null, pinned: undefined, reloadCount: 0, lastReload: null, lastError: null }
      this.records.set(wizardId, record)
    }
    return record
  }
}
