import { EXTENSION_PROTOCOL_VERSION } from '../../client/extension-wire.ts'
import { proofOf, sameText } from './signing.ts'

/**
 * Checks the dev server's first frame: this protocol, and its proof of the key (the pairing secret or
 * the offer's code) over both nonces and the rest of the challenge. Until it passes, nothing the other
 * side says is looked at and nothing of the extension's is sent.
 */
export async function checkChallenge(
  message: unknown,
  key: string,
  ownNonce: string,
): Promise<{ ok: true; nonce: string; heartbeatMs: number } | { ok: false; why: string }> {
  const challenge = (message ?? {}) as { type?: unknown; protocol?: unknown; nonce?: unknown; proof?: unknown; heartbeatMs?: unknown }
  if (
    challenge.type !== 'challenge' ||
    challenge.protocol !== EXTENSION_PROTOCOL_VERSION ||
    typeof challenge.nonce !== 'string' ||
    typeof challenge.proof !== 'string' ||
    typeof challenge.heartbeatMs !== 'number'
  ) {
    return { ok: false, why: `it does not speak extension protocol ${EXTENSION_PROTOCOL_VERSION}` }
  }
  // The same bound as the dev server's (plugin/backend-link/token.ts, challengeBound).
  const expected = await proofOf(key, 'dev-server', ownNonce, challenge.nonce, `${challenge.protocol}\0${challenge.heartbeatMs}`)
  if (!sameText(expected, challenge.proof)) return { ok: false, why: 'it could not prove it holds the pairing' }
  return { ok: true, nonce: challenge.nonce, heartbeatMs: challenge.heartbeatMs }
}
