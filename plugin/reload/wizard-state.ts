import { stripVTControlCharacters } from 'node:util'
import type { WizardReloadError, WizardStatusEntry, WizardSummary } from '../../client/protocol.ts'
import type { FileSignature } from '../files/file-signature.ts'
import type { ReloadHistory } from './history.ts'
import type { WizardVersion } from './wizard-version.ts'

/** What one attempt read: its source, the file's signature, and when it started (`performance.now()`). */
export interface AttemptRead {
  source: string | undefined
  signature: FileSignature | null
  startedAt: number
}

/** A rolled-back wizard's pin: the file on disk is newer, and its next save unpins it. */
export interface Pin {
  version: number
  /** The file's signature at the rollback: a late event for that same write is not a save. */
  signature: FileSignature | null
  /** A hash of its config file on disk then, or null. */
  configOnDisk: string | null
}

/**
 * One wizard as it stands. Read-only outside this store, which the version transaction (the
 * reloader) alone writes through; others say what they want (`unpin`), never set a field.
 */
export interface WizardRecord {
  readonly wizardId: string
  readonly file: string
  /** The version registered now (undefined: none has loaded yet). */
  readonly current: WizardVersion | undefined
  /** The latest attempt that was registered or reported. */
  readonly lastAttempt: AttemptRead | undefined
  /** Rolled back to this version: the file on disk is newer, and its next save unpins the wizard. */
  readonly pinned: Pin | undefined
  /** Successful hot reloads (the initial load does not count). */
  readonly reloadCount: number
  readonly lastReload: Date | null
  readonly lastError: { error: WizardReloadError; timestamp: number } | null
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }

/** What is loaded: one record per wizard id. Feeds the status endpoint and the snapshot sent to new pages. */
export class WizardStateStore {
  private readonly records = new Map<string, Writable<WizardRecord>>()
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

  /** A version became the registered one (pinned when it is a rolled-back one the file on disk is newer than). */
  recordSuccess(version: WizardVersion, { countsAsReload, read, pinned }: { countsAsReload: boolean; read?: AttemptRead; pinned?: Pin }): WizardRecord {
    const record = this.ensure(version.wizardId, version.file)
    record.file = version.file
    record.current = version
    record.pinned = pinned
    record.lastReload = new Date()
    record.lastError = null
    if (read) record.lastAttempt = read
    if (countsAsReload) {
      record.reloadCount++
      this.totalReloads++
    }
    return record
  }

  recordFailure(wizardId: string, file: string, error: WizardReloadError, timestamp: number, read: AttemptRead): WizardRecord {
    const record = this.ensure(wizardId, file)
    if (record.current === undefined) record.file = file
    record.lastError = { error, timestamp }
    record.lastAttempt = read
    return record
  }

  /** The next save of a pinned wizard's file (or a retry): what is on disk loads again. */
  unpin(wizardId: string): void {
    const record = this.records.get(wizardId)
    if (record) record.pinned = undefined
  }

  /** The dev server is closing: its version is retired (nothing is registered any more). */
  release(wizardId: string): WizardVersion | undefined {
    const record = this.records.get(wizardId)
    const current = record?.current
    if (record) record.current = undefined
    return current
  }

  delete(wizardId: string): void {
    this.records.delete(wizardId)
  }

  /** Wizards whose latest load failed. */
  failures(): WizardRecord[] {
    return this.all().filter((record) => record.lastError !== null)
  }

  /** Wizards with a version registered now. */
  registered(): WizardRecord[] {
    return this.all().filter((record) => record.current !== undefined)
  }

  /** What the overlay's badge and panel show. */
  summaries(): WizardSummary[] {
    return this.all()
      .sort((a, b) => a.wizardId.localeCompare(b.wizardId))
      .map((record) => ({
        wizardId: record.wizardId,
        file: record.file,
        version: record.current?.version ?? null,
        state: record.lastError ? 'failed' : record.pinned !== undefined ? 'pinned' : 'ok',
      }))
  }

  /** `liveVersions`: how many of a wizard's versions were alive after the last full GC (the leak watch's count), null before one. */
  toStatus(history?: ReloadHistory, liveVersions: (wizardId: string) => number | null = () => null): Record<string, WizardStatusEntry> {
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
        last_patch: record.current?.patch ?? null,
        last_fallback: record.current?.fallback?.join(' ') ?? null,
        live_versions: liveVersions(record.wizardId),
        pinned_version: record.pinned?.version ?? null,
        config_file: record.current?.config?.file ?? null,
        config_hash: record.current?.config?.hash ?? null,
        history: history?.entries(record.wizardId) ?? [],
      }
    }
    return wizards
  }

  private ensure(wizardId: string, file: string): Writable<WizardRecord> {
    let record = this.records.get(wizardId)
    if (!record) {
      record = { wizardId, file, current: undefined, lastAttempt: undefined, pinned: undefined, reloadCount: 0, lastReload: null, lastError: null }
      this.records.set(wizardId, record)
    }
    return record
  }
}
