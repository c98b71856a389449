import { createHmac } from 'node:crypto'
import { expect, test } from 'vitest'
import { proofOf as nodeProofOf, sessionKey } from '../../plugin/backend-link/token.ts'
import { FrameSigner, newNonce, pairingSecretOf, proofOf, sameText } from './signing.ts'

/** The extension (WebCrypto) and the dev server (node:crypto) must compute the very same bytes. */
const secret = 'f00d'.repeat(16)
const [a, b] = ['1'.repeat(32), '2'.repeat(32)]

test('proofs and the pairing secret match the dev server’s', async () => {
  expect(await proofOf(secret, 'dev-server', a, b, '1\u000015000')).toBe(nodeProofOf(secret, 'dev-server', a, b, '1\u000015000'))
  expect(await proofOf(secret, 'extension', a, b)).toBe(nodeProofOf(secret, 'extension', a, b))
  expect(await pairingSecretOf(secret, a, b)).toBe(nodeProofOf(secret, 'pairing', a, b))
  // The role is in the proof: one side's proof never serves as the other's.
  expect(await proofOf(secret, 'extension', a, b)).not.toBe(await proofOf(secret, 'dev-server', a, b))
})

test('frame MACs match what the dev server’s signed socket computes (session key, role, frame count, text)', async () => {
  const signer = await FrameSigner.create(secret, a, b)
  const text = '{"type":"ping"}'
  const expected = createHmac('sha256', sessionKey(secret, a, b))
    .update('extension\u00003\u0000')
    .update(text)
    .digest('hex')
  expect(await signer.mac('extension', 3, text)).toBe(expected)
  expect(await signer.mac('extension', 4, text)).not.toBe(expected)
})

test('nonces are fresh hex; comparison is exact', () => {
  expect(newNonce()).toMatch(/^[0-9a-f]{32}$/)
  expect(newNonce()).not.toBe(newNonce())
  expect(sameText('abc', 'abc')).toBe(true)
  expect(sameText('abc', 'abd')).toBe(false)
  expect(sameText('abc', 'abcd')).toBe(false)
})
