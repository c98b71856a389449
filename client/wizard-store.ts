import type { HotContext } from './hot-context.ts'
import {
  WIZARD_EVENTS,
  type WizardFailedPayload,
  type WizardReloadedPayload,
  type WizardRemovedPayload,
  type WizardRolledBackPayload,
  type WizardStatePayload,
  type WizardSummary,
} from './protocol.ts'

export interface WizardRow extends WizardSummary {
  failure?: WizardFailedPayload
}

/** What the store heard, in order: each event once, however many parts of the page listen. */
export type StoreEvent =
  | { type: 'reloaded'; payload: WizardReloadedPayload }
  | { type: 'failed'; payload: WizardFailedPayload }
  | { type: 'removed'; payload: WizardRemovedPayload }
  | { type: 'rolled-back'; payload: WizardRolledBackPayload }
  /** The server's snapshot (the answer to `ready`): what is failing now replaces what was known. */
  | { type: 'state'; payload: WizardStatePayload }

/**
 * What the page knows of the dev server's wizards, kept from the events of Vite's HMR channel —
 * the one store the overlay's badge, toasts and panel and the client API all read. One per page
 * (the overlay bundle and the client API module share it through `wizardStore`): it asks the
 * server for a snapshot once, and again after a reconnect.
 */
export class WizardStore {
  private rows = new Map<string, WizardRow>()
  private readonly listeners = new Set<(event: StoreEvent) => void>()
  /** The wizard the latest event was about (what the panel opens on). */
  private latest: string | undefined
  private disconnected = false
  private readonly subscriptions: Array<[string, (payload: never) => void]> = []

  constructor(private readonly hot: HotContext) {
    const on = (event: string, handle: (payload: never) => void) => {
      hot.on(event, handle)
      this.subscriptions.push([event, handle])
    }
    for (const [event, type] of EVENT_TYPES) on(event, (payload) => this.apply({ type, payload } as StoreEvent))
    on('vite:ws:disconnect', () => (this.disconnected = true))
    on('vite:ws:connect', () => {
      // After a reconnect, ask again: the server may have seen failures while the page was away.
      if (!this.disconnected) return
      this.disconnected = false
      this.askSnapshot()
    })
    this.askSnapshot()
  }

  get all(): WizardRow[] {
    return [...this.rows.values()].sort((a, b) => a.wizardId.localeCompare(b.wizardId))
  }

  get(wizardId: string): WizardRow | undefined {
    return this.rows.get(wizardId)
  }

  /** What is failing now, as the page knows it. */
  get failures(): WizardFailedPayload[] {
    return [...this.rows.values()].flatMap((row) => (row.failure ? [row.failure] : []))
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

  /**
   * What the panel opens on: the wizard failing most recently, else the one the latest event was
   * about (just reloaded or rolled back), else the first.
   */
  get focus(): string | undefined {
    const failing = this.failures.sort((a, b) => b.timestamp - a.timestamp)[0]
    if (failing) return failing.wizardId
    if (this.latest && this.rows.has(this.latest)) return this.latest
    return this.all.find((row) => row.state !== 'ok')?.wizardId ?? this.all[0]?.wizardId
  }

  /** Every event from now on (the rows already reflect it when a listener is called). */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops listening (the overlay unmounted: a test, a page torn down); the next `wizardStore` makes a new one. */
  close(): void {
    for (const [event, listener] of this.subscriptions.splice(0)) this.hot.off?.(event, listener)
    this.listeners.clear()
    const global = globalThis as Record<symbol, WizardStore | undefined>
    if (global[STORE_KEY] === this) delete global[STORE_KEY]
  }

  private askSnapshot(): void {
    this.hot.send(WIZARD_EVENTS.ready, { client: 'page' })
  }

  private apply(event: StoreEvent): void {
    const { type, payload } = event
    if (type === 'state') {
      this.rows = new Map((payload.wizards ?? []).map((summary) => [summary.wizardId, { ...summary }]))
      for (const failure of payload.failures) this.fail(failure)
    } else if (type === 'removed') this.rows.delete(payload.wizardId)
    else {
      if (type === 'failed') this.fail(payload)
      else
        this.rows.set(payload.wizardId, {
          wizardId: payload.wizardId,
          file: payload.file,
          version: payload.version,
          state: type === 'rolled-back' && payload.pinned ? 'pinned' : 'ok',
        })
      this.latest = payload.wizardId
    }
    for (const listener of this.listeners) listener(event)
  }

  /** The wizard's latest load failed; the version still registered (if any) stays. */
  private fail(failure: WizardFailedPayload): void {
    const version = this.rows.get(failure.wizardId)?.version ?? null
    this.rows.set(failure.wizardId, { wizardId: failure.wizardId, file: failure.file, version, state: 'failed', failure })
  }
}

const EVENT_TYPES = [
  [WIZARD_EVENTS.reloaded, 'reloaded'],
  [WIZARD_EVENTS.failed, 'failed'],
  [WIZARD_EVENTS.removed, 'removed'],
  [WIZARD_EVENTS.rolledBack, 'rolled-back'],
  [WIZARD_EVENTS.state, 'state'],
] as const

const STORE_KEY = Symbol.for('vite-plugin-wizard-hot-reload:store:v1')

/** The page's store (created on first use; the overlay bundle and the client API module share it). */
export function wizardStore(hot: HotContext): WizardStore {
  const global = globalThis as Record<symbol, WizardStore | undefined>
  return (global[STORE_KEY] ??= new WizardStore(hot))
}
