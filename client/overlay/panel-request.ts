/** What the panel was asked from outside its own clicks: a wizard to show, or to pair the browser extension. */
export interface PanelRequest {
  /** Changes with every request, so asking for the same wizard twice still selects it. */
  seq: number
  wizardId?: string
  connectExtension?: boolean
}

/** The latest such request, and who wants to know (the overlay, which hands it to the panel). */
export class PanelRequests {
  private current: PanelRequest | undefined
  private readonly listeners = new Set<() => void>()
  private seq = 0

  get(): PanelRequest | undefined {
    return this.current
  }

  ask(request: Omit<PanelRequest, 'seq'>): void {
    this.current = { ...request, seq: ++this.seq }
    for (const listener of this.listeners) listener()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
