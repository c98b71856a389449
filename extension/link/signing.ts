/**
 * The extension's half of the proofs and frame signatures, with WebCrypto: byte for byte what the dev
 * server computes with node:crypto (plugin/backend-link/token.ts and backend-socket.ts) — HMAC-SHA256
 * keyed with the secret's text, over the role and both nonces; the session key derived the same way;
 * each later frame prefixed with an HMAC over the sender's role, its frame count and the text.
 */
const encoder = new TextEncoder()

export type ProofRole = 'dev-server' | 'extension' | 'pairing'

async function hmac(key: string | Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const raw = typeof key === 'string' ? encoder.encode(key) : key
  const imported = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, encoder.encode(text)))
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A fresh random nonce (hex). */
export function newNonce(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)))
}

export async function proofOf(key: string, role: ProofRole, extensionNonce: string, serverNonce: string, bound = ''): Promise<string> {
  return hex(await hmac(key, `wizard-hot-reload\0${role}\0${extensionNonce}\0${serverNonce}\0${bound}`))
}

/** The pairing secret both sides derive from an offer's code and the pairing connection's nonces. */
export function pairingSecretOf(code: string, extensionNonce: string, serverNonce: string): Promise<string> {
  return proofOf(code, 'pairing', extensionNonce, serverNonce)
}

/** Comparison that does not stop at the first difference. */
export function sameText(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < Math.min(a.length, b.length); i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

/** Signs and checks one connection's frames with its session key. */
export class FrameSigner {
  private constructor(private readonly key: Awaited<ReturnType<typeof crypto.subtle.importKey>>) {}

  static async create(secret: string, extensionNonce: string, serverNonce: string): Promise<FrameSigner> {
    const session = await hmac(secret, `wizard-hot-reload\0session\0${extensionNonce}\0${serverNonce}`)
    return new FrameSigner(await crypto.subtle.importKey('raw', session, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))
  }

  async mac(role: 'dev-server' | 'extension', count: number, text: string): Promise<string> {
    return hex(new Uint8Array(await crypto.subtle.sign('HMAC', this.key, encoder.encode(`${role}\0${count}\0${text}`))))
  }
}

/** The length of a frame's MAC prefix (hex SHA-256). */
export const MAC_LENGTH = 64
