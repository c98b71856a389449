import type { BackendSocket } from './backend-socket.ts'
import { challengeBound, newNonce, proofOf, sameToken, type ProofRole } from './token.ts'

export interface HandshakeOptions {
  socket: BackendSocket
  /** The secret both sides prove they hold (the backend token, an extension's pairing secret or offer code); it never travels. */
  key: string
  /** The client's fresh nonce, from its upgrade request. */
  clientNonce: string
  /** Whom the client proves to be (a proof made for one role never serves as another's). */
  clientRole: Exclude<ProofRole, 'dev-server'>
  protocol: number
  heartbeatMs: number
  /** The close reason when the client's proof is wrong. */
  wrongProof: string
  timeoutMs?: number
}

/** What a client said in its hello, once its proof passed, and the dev server's nonce (for the session key). */
export interface ProvenHello {
  hello: { type: 'hello'; proof: string } & Record<string, unknown>
  serverNonce: string
}

/**
 * The dev server's side of the challenge-response both of its authenticated channels use (backends
 * and the CLI, the browser extension): it proves it holds the key first — its challenge, an HMAC over
 * both nonces — so a client never tells anything to a process that took the port; then the client's
 * hello must prove the same. `proven` is called with the hello — synchronously, in the hello's own
 * message event, so the caller starts verifying signed frames before the next one is read (a client
 * sends its first signed frame right behind its hello) — or the socket is closed (4001, why).
 */
export function proveThenAwaitHello(options: HandshakeOptions, proven: (hello: ProvenHello) => void): void {
  const { socket, key, clientNonce, clientRole, protocol, heartbeatMs } = options
  const serverNonce = newNonce()
  const timeoutMs = options.timeoutMs ?? HELLO_TIMEOUT_MS
  let settled = false
  const settle = (hello: ProvenHello | undefined, reason = '') => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    stopListening()
    if (hello) proven(hello)
    else if (reason) socket.close(4001, reason)
  }
  const timer = setTimeout(() => settle(undefined, `no hello within ${timeoutMs / 1000} s`), timeoutMs)
  timer.unref()
  socket.onClose(() => settle(undefined))
  const stopListening = socket.onMessage((message) => {
    const hello = message as Partial<ProvenHello['hello']>
    if (hello.type !== 'hello') return settle(undefined, 'the first message must be the hello')
    if (typeof hello.proof !== 'string' || !sameToken(proofOf(key, clientRole, clientNonce, serverNonce), hello.proof)) {
      return settle(undefined, options.wrongProof)
    }
    settle({ hello: hello as ProvenHello['hello'], serverNonce })
  })
  const challenge = { protocol, heartbeatMs }
  socket.send({ type: 'challenge', ...challenge, nonce: serverNonce, proof: proofOf(key, 'dev-server', clientNonce, serverNonce, challengeBound(challenge)) })
}

const HELLO_TIMEOUT_MS = 10_000
