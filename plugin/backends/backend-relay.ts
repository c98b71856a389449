import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload, WizardRolledBackPayload } from '../../client/protocol.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { BackendHub } from './backend-hub.ts'

/**
 * Sits between the reloader and everything that tells the user (terminal, overlay, sockets): with
 * backend processes connected, a reload is passed on to them first, and the event goes out once
 * they answered (or `registerTimeout` passed) with how they did. Events of one wizard keep their order.
 */
export class BackendRelay implements Required<WizardEventSink> {
  private readonly chains = new Map<string, Promise<void>>()

  constructor(
    private readonly hub: BackendHub,
    private readonly next: Required<WizardEventSink>,
    private readonly onError: (error: unknown) => void,
  ) {}

  reloaded(payload: WizardReloadedPayload): void {
    // Nothing executable changed (patch mode): nothing was registered here, so nothing to load there.
    if (this.direct(payload.wizardId) || payload.patched?.noCodeChange) return this.next.reloaded(payload)
    this.after(payload.wizardId, async () => {
      const backends = await (payload.reason === 'config' ? this.hub.reconfigure(payload.wizardId) : this.hub.load(payload.wizardId))
      this.next.reloaded(backends ? { ...payload, backends } : payload)
    })
  }

  failed(payload: WizardFailedPayload): void {
    // Backends are not asked: what failed here would fail there; they keep their version.
    if (this.direct(payload.wizardId)) return this.next.failed(payload)
    this.after(payload.wizardId, async () => this.next.failed(payload))
  }

  removed(payload: WizardRemovedPayload): void {
    if (this.direct(payload.wizardId)) return this.next.removed(payload)
    this.after(payload.wizardId, async () => {
      await this.hub.remove(payload.wizardId, payload.file)
      this.next.removed(payload)
    })
  }

  rolledBack(payload: WizardRolledBackPayload): void {
    if (this.direct(payload.wizardId)) return this.next.rolledBack(payload)
    this.after(payload.wizardId, async () => {
      await this.hub.rollback(payload.wizardId, payload.file, payload.version)
      this.next.rolledBack(payload)
    })
  }

  /** Resolves once every event handed over so far is out. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values())
  }

  /** No backend connected and nothing queued for this wizard: the event goes out at once. */
  private direct(wizardId: string): boolean {
    return this.hub.count === 0 && !this.chains.has(wizardId)
  }

  private after(wizardId: string, work: () => Promise<void>): void {
    const chain = (this.chains.get(wizardId) ?? Promise.resolve()).then(work).catch(this.onError)
    const entry = chain.finally(() => {
      if (this.chains.get(wizardId) === entry) this.chains.delete(wizardId)
    })
    this.chains.set(wizardId, entry)
  }
}
