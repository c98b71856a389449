import type { ExtensionOffer } from '../../client/extension-wire.ts'
import { createRequester, type Requester, type WizardRequestInput } from '../../client/requests.ts'
import type { WizardRequestResults } from '../../client/wire.ts'
import { WizardStore, type StoreEvent } from '../../client/wizard-store.ts'
import { ServerLink, type LinkCredential, type LinkSocket } from '../link/server-link.ts'
import { wizardViewOf, type ServerView } from './server-view.ts'
import type { StoredPairing } from './stored-pairings.ts'

export interface FleetOptions {
  open: (url: string) => LinkSocket
  browser: string
  /** A view changed: the link's state, or a wizard's. */
  changed: () => void
  /** Every event a dev server's store applied (its view already reflects it). */
  heard: (view: ServerView, event: StoreEvent) => void
  /** An offer's link paired: the pairing to keep. */
  paired: (pairing: StoredPairing) => void
}

interface Entry {
  link: ServerLink
  appUrl: string
  /** The page's own store, created once the link first connects (it asks for the snapshot at once). */
  store: WizardStore | undefined
  requester: Requester
  project: string | null
  root: string | null
}

/**
 * Every paired dev server: a link each, and on it the page's own store and requester (client/), so the
 * extension knows what a page of that dev server knows — by the same snapshot-then-events rules.
 */
export class Fleet {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly options: FleetOptions) {}

  /** Links for exactly these pairings: new ones connect, forgotten ones stop. */
  sync(pairings: StoredPairing[]): void {
    const wanted = new Map(pairings.map((pairing) => [pairing.server, pairing]))
    for (const [server, entry] of this.entries) if (!wanted.has(server)) this.drop(server, entry)
    for (const pairing of wanted.values()) {
      if (this.entries.has(pairing.server)) continue
      this.add(pairing.server, pairing.appUrl, { pairingId: pairing.pairingId, secret: pairing.secret }).link.ensure()
    }
    // The badge and the popup read the fleet: after a restart of the worker they show these servers at once.
    this.options.changed()
  }

  /** Pairs with an offer; resolves once paired (the link then goes on as that dev server's), rejects with why not. */
  pair(offer: ExtensionOffer, appUrl: string): Promise<void> {
    const { server } = offer
    const previous = this.entries.get(server)
    return new Promise((resolve, reject) => {
      let pending = true
      const entry = this.add(server, appUrl, { offerId: offer.offerId, code: offer.code }, (outcome) => {
        if (!pending) return
        pending = false
        if (outcome === 'paired') {
          // The new pairing replaces the old one, which the dev server is asked to forget.
          if (previous) this.drop(server, previous, true)
          return resolve()
        }
        this.drop(server, entry)
        if (previous) this.entries.set(server, previous)
        reject(new Error(entry.link.status.detail || 'the pairing did not complete'))
      })
      entry.link.ensure()
    })
  }

  /** Reconnects every link that is not connected (a wake-up of the service worker). */
  ensureAll(): void {
    for (const entry of this.entries.values()) entry.link.ensure()
  }

  /** Forgets a dev server: it is asked to drop the pairing too. */
  forget(server: string): void {
    const entry = this.entries.get(server)
    if (!entry) return
    this.drop(server, entry, true)
  }

  /** The panel's request, over this dev server's link. */
  request(server: string, input: WizardRequestInput): Promise<WizardRequestResults[keyof WizardRequestResults]> {
    const entry = this.entries.get(server)
    if (!entry) return Promise.reject(new Error(`${server} is not paired`))
    if (!entry.link.connected) return Promise.reject(new Error(`not connected to ${server} (${entry.link.status.detail || entry.link.status.state})`))
    return (entry.requester.request as (input: WizardRequestInput) => Promise<WizardRequestResults[keyof WizardRequestResults]>)(input)
  }

  views(): ServerView[] {
    return [...this.entries.keys()].sort().map((server) => this.viewOf(server)!)
  }

  viewOf(server: string): ServerView | undefined {
    const entry = this.entries.get(server)
    if (!entry) return undefined
    return {
      server,
      appUrl: entry.appUrl,
      project: entry.project,
      root: entry.root,
      link: entry.link.status,
      wizards: entry.store?.all.map(wizardViewOf) ?? [],
    }
  }

  private add(server: string, appUrl: string, credential: LinkCredential, settled?: (outcome: 'paired' | 'failed') => void): Entry {
    const link = new ServerLink({
      server,
      credential,
      open: this.options.open,
      browser: this.options.browser,
      onStatus: (status) => {
        if (status.state === 'connected' && !entry.store) this.watch(server, entry)
        if (status.state === 'refused') settled?.('failed')
        this.options.changed()
      },
      onWelcome: ({ project, root }) => Object.assign(entry, { project, root }),
      onPaired: ({ pairingId, secret }) => {
        this.options.paired({ server, appUrl, pairingId, secret, pairedAt: Date.now() })
        settled?.('paired')
      },
    })
    const entry: Entry = { link, appUrl, store: undefined, requester: createRequester(link), project: null, root: null }
    this.entries.set(server, entry)
    return entry
  }

  private watch(server: string, entry: Entry): void {
    const store = new WizardStore(entry.link)
    entry.store = store
    store.subscribe((event) => {
      const view = this.viewOf(server)
      if (view && this.entries.get(server) === entry) this.options.heard(view, event)
      this.options.changed()
    })
  }

  /** Stops a link (asking its dev server to drop the pairing, when `unpair`) and all that sat on it. */
  private drop(server: string, entry: Entry, unpair = false): void {
    if (unpair) entry.link.unpair()
    else entry.link.stop()
    entry.store?.close()
    entry.requester.close()
    if (this.entries.get(server) === entry) this.entries.delete(server)
    this.options.changed()
  }
}
