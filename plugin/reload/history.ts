import { createHash } from 'node:crypto'
import type { WizardHistoryEntry } from '../../client/protocol.ts'
import type { WizardVersion } from './wizard-version.ts'

/** Source text kept for diffs, across all wizards; beyond it, the oldest kept sources are dropped (their hashes stay). */
export const MAX_KEPT_SOURCE_BYTES = 8 * 1024 * 1024

interface Kept {
  entry: WizardHistoryEntry
  /** The registered version, with its class (and config): what a rollback registers again. */
  version: WizardVersion | undefined
  source: string | undefined
  /** Its config file's text, for diffs. */
  configSource: string | undefined
}

/** What one attempt records: the entry's metadata, the source it read, and the config it had. */
export type HistoryRecord = Omit<WizardHistoryEntry, 'attempt' | 'kept' | 'sourceHash' | 'configFile' | 'configHash'> & {
  source?: string
  config?: { file: string; hash: string } | undefined
  configSource?: string
}

/**
 * The last `limit` reload attempts per wizard. Successful ones keep their class (for rollback)
 * and source (for diffs); sources are capped in bytes overall, classes beyond `limit` are released.
 */
export class ReloadHistory {
  private readonly byWizard = new Map<string, Kept[]>()
  private readonly attempts = new Map<string, number>()
  private sourceBytes = 0

  constructor(
    readonly limit: number,
    private readonly maxSourceBytes = MAX_KEPT_SOURCE_BYTES,
  ) {}

  get enabled(): boolean {
    return this.limit > 0
  }

  /** Records one attempt; `version` for one that registered a class (and so can be rolled back to). */
  record(wizardId: string, entry: HistoryRecord, version?: WizardVersion): WizardHistoryEntry | undefined {
    if (!this.enabled) return undefined
    const attempt = (this.attempts.get(wizardId) ?? 0) + 1
    this.attempts.set(wizardId, attempt)
    const { source, config, configSource, ...rest } = entry
    const kept: Kept = {
      entry: { ...rest, attempt, sourceHash: source === undefined ? null : hashOf(source), configFile: config?.file ?? null, configHash: config?.hash ?? null, kept: version !== undefined },
      version,
      source: version ? source : undefined,
      configSource: version ? configSource : undefined,
    }
    const list = this.byWizard.get(wizardId) ?? []
    list.push(kept)
    this.sourceBytes += bytesOf(kept)
    while (list.length > this.limit) this.drop(list.shift()!)
    this.byWizard.set(wizardId, list)
    this.capSources()
    return kept.entry
  }

  /** Oldest first. */
  entries(wizardId: string): WizardHistoryEntry[] {
    return (this.byWizard.get(wizardId) ?? []).map((kept) => kept.entry)
  }

  /** The newest kept registration of `version` (the class a rollback registers again). */
  kept(wizardId: string, version: number): { version: WizardVersion; source: string | undefined; configSource: string | undefined } | undefined {
    const list = this.byWizard.get(wizardId) ?? []
    for (let i = list.length - 1; i >= 0; i--) {
      const kept = list[i]
      if (kept.version && kept.version.version === version) return { version: kept.version, source: kept.source, configSource: kept.configSource }
    }
    return undefined
  }

  /** The version registered just before the current registration (kept, and not `current` itself): what undo goes back to. */
  registeredBefore(wizardId: string, current: number): number | undefined {
    const list = this.byWizard.get(wizardId) ?? []
    let seenCurrent = false
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i].version?.version
      if (version === undefined) continue
      if (!seenCurrent) {
        seenCurrent = version === current
        continue
      }
      if (version !== current) return version
    }
    return undefined
  }

  /** How many of `wizardId`'s replaced classes the history holds on purpose (for the leak watch). */
  keptClasses(wizardId: string): number {
    return new Set((this.byWizard.get(wizardId) ?? []).flatMap((kept) => (kept.version ? [kept.version.wizardClass] : []))).size
  }

  private drop(kept: Kept): void {
    this.sourceBytes -= bytesOf(kept)
    kept.source = undefined
    kept.configSource = undefined
    kept.version = undefined
    kept.entry.kept = false
  }

  /**
   * Drops the oldest kept texts until the total is under the cap. A kept version's own copy of its
   * source goes too (else the text would stay in memory), except for each wizard's newest
   * registration: that is the version serving now, whose source tells whether the disk has changed.
   */
  private capSources(): void {
    if (this.sourceBytes <= this.maxSourceBytes) return
    const newest = new Set<Kept>()
    for (const list of this.byWizard.values()) {
      const last = list.findLast((kept) => kept.version !== undefined)
      if (last) newest.add(last)
    }
    const all = [...this.byWizard.values()].flat().filter((kept) => !newest.has(kept) && bytesOf(kept) > 0).sort((a, b) => a.entry.timestamp - b.entry.timestamp)
    for (const kept of all) {
      if (this.sourceBytes <= this.maxSourceBytes) break
      this.sourceBytes -= bytesOf(kept)
      kept.source = undefined
      kept.configSource = undefined
      if (kept.version) kept.version.source = undefined
    }
  }
}

function bytesOf(kept: Kept): number {
  return (kept.source === undefined ? 0 : Buffer.byteLength(kept.source)) + (kept.configSource === undefined ? 0 : Buffer.byteLength(kept.configSource))
}

export function hashOf(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12)
}
