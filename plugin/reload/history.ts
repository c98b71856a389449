import { hashOf } from '../shared/content-hash.ts'
import type { WizardHistoryEntry } from '../../client/protocol.ts'
import type { WizardVersion } from './wizard-version.ts'

/** Source text kept for diffs, across all wizards; beyond it, the oldest kept sources are dropped (their hashes stay). */
export const MAX_KEPT_SOURCE_BYTES = 8 * 1024 * 1024
/**
 * What kept classes may weigh, across all wizards (the newest registration of each not counted: it
 * serves). A class keeps its module's whole code alive (V8 keeps a function's script for
 * `toString`), with its inline source map (the source again): about 4× the file. Beyond it, the
 * oldest kept classes are released; a rollback to one of them evaluates its kept source again.
 * Twice the source cap in weight, so half as many classes as sources: a class costs 4× its text, and
 * the versions in between stay reachable through their source.
 */
export const MAX_KEPT_CLASS_BYTES = 16 * 1024 * 1024
/** A kept class's weight per byte of its source (measured: 3.7–4.7×, the string literals included). */
const CLASS_WEIGHT_PER_SOURCE_BYTE = 4

/** What a rollback needs of a version besides its class: enough to register it again, or to evaluate it afresh. */
export interface KeptVersion {
  version: number
  file: string
  /** The config it was registered with (file, hash, text) and what `register` got as `context.config`. */
  config: WizardVersion['config']
  configValue: unknown
}

interface Kept {
  entry: WizardHistoryEntry
  /** The registered version, with its class (and config), while the class budget holds it: what a rollback registers again. */
  version: WizardVersion | undefined
  /** The same version without its class (for every successful attempt): a rollback evaluates `source` again. */
  meta: KeptVersion | undefined
  source: string | undefined
  /** Its config file's text, for diffs. */
  configSource: string | undefined
  /** What its class keeps alive, weighed when recorded (its source text may be dropped before its class is). */
  classWeight: number
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
  /** What the kept classes weigh, each wizard's newest registration not counted (kept exact, so capClasses need not walk everything). */
  private heldClassBytes = 0

  constructor(
    readonly limit: number,
    private readonly maxSourceBytes = MAX_KEPT_SOURCE_BYTES,
    private readonly maxClassBytes = MAX_KEPT_CLASS_BYTES,
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
    const list = this.byWizard.get(wizardId) ?? []
    const heldBefore = heldWeight(list)
    const kept: Kept = {
      entry: {
        ...rest,
        attempt,
        sourceHash: source === undefined ? null : hashOf(source),
        configFile: config?.file ?? null,
        configHash: config?.hash ?? null,
        kept: version !== undefined,
      },
      version,
      meta: version ? { version: version.version, file: version.file, config: version.config, configValue: version.context.config } : undefined,
      source: version ? source : undefined,
      configSource: version ? configSource : undefined,
      classWeight: version ? classWeight(version, source, list) : 0,
    }
    list.push(kept)
    this.sourceBytes += bytesOf(kept)
    while (list.length > this.limit) this.drop(list.shift()!)
    this.byWizard.set(wizardId, list)
    this.heldClassBytes += heldWeight(list) - heldBefore
    this.capSources()
    this.capClasses()
    return kept.entry
  }

  /** Oldest first. */
  entries(wizardId: string): WizardHistoryEntry[] {
    return (this.byWizard.get(wizardId) ?? []).map((kept) => kept.entry)
  }

  /**
   * The newest kept registration of `version`: its class (while the class budget holds it) — what a
   * rollback registers again — or only what it takes to evaluate its source afresh.
   */
  kept(
    wizardId: string,
    version: number,
  ): { version: WizardVersion | undefined; meta: KeptVersion; source: string | undefined; configSource: string | undefined } | undefined {
    const list = this.byWizard.get(wizardId) ?? []
    for (let i = list.length - 1; i >= 0; i--) {
      const kept = list[i]
      if (kept.meta?.version === version && (kept.version || kept.source !== undefined))
        return { version: kept.version, meta: kept.meta, source: kept.source, configSource: kept.configSource }
    }
    return undefined
  }

  /** True while the history holds `version`'s class itself (for the leak watch: kept on purpose). */
  holdsClass(wizardId: string, version: number): boolean {
    return (this.byWizard.get(wizardId) ?? []).some((kept) => kept.version?.version === version)
  }

  /** The version registered just before the current registration (kept, and not `current` itself): what undo goes back to. */
  registeredBefore(wizardId: string, current: number): number | undefined {
    const list = this.byWizard.get(wizardId) ?? []
    let seenCurrent = false
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i].meta?.version
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
    kept.meta = undefined
    kept.entry.kept = false
  }

  /** The newest registration of each wizard: it serves now (its class is live whatever the history does). */
  private newestRegistrations(): Set<Kept> {
    const newest = new Set<Kept>()
    for (const list of this.byWizard.values()) {
      const last = list.findLast((kept) => kept.meta !== undefined)
      if (last) newest.add(last)
    }
    return newest
  }

  /**
   * Releases the oldest kept classes until what they keep alive fits the class budget (newest
   * first, across wizards). A released version can still be rolled back to while its source is
   * kept (it is evaluated again); its entry says `kept: false` once neither is.
   */
  private capClasses(): void {
    if (this.heldClassBytes <= this.maxClassBytes) return
    const newest = this.newestRegistrations()
    const holding = [...this.byWizard.values()]
      .flat()
      .filter((kept) => kept.version && !newest.has(kept))
      .sort((a, b) => b.entry.timestamp - a.entry.timestamp)
    let weight = 0
    let stillHeld = 0
    for (const kept of holding) {
      weight += kept.classWeight
      if (weight <= this.maxClassBytes) {
        stillHeld += kept.classWeight
        continue
      }
      kept.version = undefined
      kept.entry.kept = kept.source !== undefined
    }
    this.heldClassBytes = stillHeld
  }

  /**
   * Drops the oldest kept texts until the total is under the cap. A kept version's own copy of its
   * source goes too (else the text would stay in memory), except for each wizard's newest
   * registration: that is the version serving now, whose source tells whether the disk has changed.
   */
  private capSources(): void {
    if (this.sourceBytes <= this.maxSourceBytes) return
    const newest = this.newestRegistrations()
    const all = [...this.byWizard.values()]
      .flat()
      .filter((kept) => !newest.has(kept) && bytesOf(kept) > 0)
      .sort((a, b) => a.entry.timestamp - b.entry.timestamp)
    for (const kept of all) {
      if (this.sourceBytes <= this.maxSourceBytes) break
      this.sourceBytes -= bytesOf(kept)
      kept.source = undefined
      kept.configSource = undefined
      if (kept.version) kept.version.source = undefined
      else kept.entry.kept = false // neither its class nor its source: nothing to roll back to
    }
  }
}

/**
 * What `version`'s class keeps alive: about 4× its source, plus its config's text. A version
 * registered again (a rollback) whose text was dropped weighs what its earlier registration did.
 */
function classWeight(version: WizardVersion, source: string | undefined, earlier: readonly Kept[]): number {
  const text = source ?? version.source
  if (text === undefined) return earlier.findLast((kept) => kept.meta?.version === version.version)?.classWeight ?? 0
  return CLASS_WEIGHT_PER_SOURCE_BYTE * Buffer.byteLength(text) + (version.config?.text.length ?? 0)
}

function bytesOf(kept: Kept): number {
  return (kept.source === undefined ? 0 : Buffer.byteLength(kept.source)) + (kept.configSource === undefined ? 0 : Buffer.byteLength(kept.configSource))
}

/** The weight of `list`'s kept classes besides its newest registration (the one serving). */
function heldWeight(list: readonly Kept[]): number {
  const newest = list.findLast((kept) => kept.meta !== undefined)
  let weight = 0
  for (const kept of list) if (kept.version && kept !== newest) weight += kept.classWeight
  return weight
}
