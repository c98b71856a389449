import { randomBytes } from 'node:crypto'
import type { ExtensionOfferGrant } from '../../client/extension-wire.ts'

/** How long a pairing offer waits for the extension (the user confirms in the extension's tab meanwhile). */
export const OFFER_TTL_MS = 120_000
/** Offers waiting at once; a new one past this replaces the oldest (they are only made from the panel). */
const MAX_OFFERS = 8

/**
 * One-time pairing offers, in memory only: made for one of the dev server's own pages (the panel's
 * "Connect the browser extension"), taken once by the extension's connection — used or not, an offer
 * is gone after one try, and after `OFFER_TTL_MS`.
 */
export class PairingOffers {
  private readonly offers = new Map<string, { code: string; expiresAt: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  create(): ExtensionOfferGrant {
    this.drop()
    if (this.offers.size >= MAX_OFFERS) this.offers.delete(this.offers.keys().next().value!)
    const grant = { offerId: randomBytes(16).toString('hex'), code: randomBytes(32).toString('hex'), expiresAt: this.now() + OFFER_TTL_MS }
    this.offers.set(grant.offerId, { code: grant.code, expiresAt: grant.expiresAt })
    return grant
  }

  /** The offer's code, once: the offer is gone afterwards whatever happens next. Undefined when unknown or expired. */
  take(offerId: string): string | undefined {
    this.drop()
    const offer = this.offers.get(offerId)
    this.offers.delete(offerId)
    return offer?.code
  }

  private drop(): void {
    const now = this.now()
    for (const [id, offer] of this.offers) if (offer.expiresAt <= now) this.offers.delete(id)
  }
}
