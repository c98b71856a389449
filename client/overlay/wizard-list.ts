import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload, WizardRolledBackPayload, WizardStatePayload, WizardSummary } from '../protocol.ts'

export interface WizardRow extends WizardSummary {
  failure?: WizardFailedPayload
}

/** Every wizard the page knows of, for the badge and the panel: a snapshot, then kept current by events. */
export class WizardList {
  private rows = new Map<string, WizardRow>()
  private readonly listeners = new Set<() => void>()
  /** The wizard the latest event was about (what the panel opens on). */
  private latest: string | undefined

  get all(): WizardRow[] {
    return [...this.rows.values()].sort((a, b) => a.wizardId.localeCompare(b.wizardId))
  }

  get(wizardId: string): WizardRow | undefined {
    return this.rows.get(wizardId)
  }

  /**
   * What the panel opens on: the wizard failing most recently, else the one the latest event was
   * about (just reloaded or rolled back), else the first.
   */
  get focus(): string | undefined {
    const failing = [...this.rows.values()].filter((row) => row.failure).sort((a, b) => b.failure!.timestamp - a.failure!.timestamp)[0]
    if (failing) return failing.wizardId
    if (this.latest && this.rows.has(this.latest)) return this.latest
    return this.all.find((row) => row.state !== 'ok')?.wizardId ?? this.all[0]?.wizardId
  }

  /** Counts for the badge. */
  get counts(): { total: number; failed: number; pinned: number } {
    let failed = 0
    let pinned = 0
    for (const row of this.rows.values()) {
      if (row.state === 'failed') failed++
      else if (row.state === 'pinned') pinned++
    }
    return { total: this.rows.size, failed, pinned }
  }

  snapshot({ wizards, failures }: WizardStatePayload): void {
    this.rows = new Map((wizards ?? []).map((summary) => [summary.wizardId, { ...summary }]))
    for (const failure of failures) this.failed(failure, false)
    this.changed()
  }

  reloaded({ wizardId, file, version }: WizardReloadedPayload): void {
    this.rows.set(wizardId, { wizardId, file, version, state: 'ok' })
    this.latest = wizardId
    this.changed()
  }

  failed(failure: WizardFailedPayload, notify = true): void {
    const row = this.rows.get(failure.wizardId)
    this.rows.set(failure.wizardId, { wizardId: failure.wizardId, file: failure.file, version: row?.version ?? null, state: 'failed', failure })
    if (notify) this.latest = failure.wizardId
    if (notify) this.changed()
  }

  removed({ wizardId }: WizardRemovedPayload): void {
    this.rows.delete(wizardId)
    this.changed()
  }

  rolledBack({ wizardId, file, version, pinned }: WizardRolledBackPayload): void {
    this.rows.set(wizardId, { wizardId, file, version, state: pinned ? 'pinned' : 'ok' })
    this.latest = wizardId
    this.changed()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    for (const listener of this.listeners) listener()
  }
}
