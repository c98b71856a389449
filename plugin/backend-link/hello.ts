import os from 'node:os'
import { BACKEND_PROTOCOL_VERSION, type BackendMessage } from './protocol.ts'
import { proofOf } from './token.ts'

type Hello = Extract<BackendMessage, { type: 'hello' }>

/**
 * The answer to a dev server's proven challenge, from a backend or a control client: its proof of
 * the token over both nonces, and who it is (this process).
 */
export function helloOf(token: string, ownNonce: string, serverNonce: string, who: Pick<Hello, 'name' | 'wizards' | 'role'>): Hello {
  return {
    type: 'hello',
    protocol: BACKEND_PROTOCOL_VERSION,
    proof: proofOf(token, 'backend', ownNonce, serverNonce),
    pid: process.pid,
    hostname: os.hostname(),
    node: process.version,
    ...who,
  }
}
