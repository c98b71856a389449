import { expect, test } from 'vitest'
import { OFFER_TTL_MS, PairingOffers } from './pairing-offers.ts'

test('an offer is taken once, and not after it expires', () => {
  let now = 1_000
  const offers = new PairingOffers(() => now)
  const first = offers.create()
  expect(first).toEqual({ offerId: expect.stringMatching(/^[0-9a-f]{32}$/), code: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: 1_000 + OFFER_TTL_MS })
  expect(offers.take(first.offerId)).toBe(first.code)
  expect(offers.take(first.offerId)).toBeUndefined()

  const late = offers.create()
  now += OFFER_TTL_MS
  expect(offers.take(late.offerId)).toBeUndefined()
  expect(offers.take('unknown')).toBeUndefined()
})

test('at most 8 wait at once: a ninth replaces the oldest', () => {
  const offers = new PairingOffers()
  const made = Array.from({ length: 9 }, () => offers.create())
  expect(offers.take(made[0].offerId)).toBeUndefined()
  expect(made.slice(1).map((offer) => offers.take(offer.offerId))).toEqual(made.slice(1).map((offer) => offer.code))
})
