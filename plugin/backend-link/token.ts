import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { TOKEN_ENV, TOKEN_FILE } from './protocol.ts'

/**
 * The dev server's secret for backend processes, per project: created once under Vite's cache
 * folder (readable by processes of the same user on this machine, or a container sharing the
 * project folder) and kept across restarts, so connected backends reconnect with it.
 */
export function ensureToken(cacheDir: string): string {
  const file = path.join(cacheDir, TOKEN_FILE)
  try {
    const existing = fs.readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f]{64}$/.test(existing)) return existing
  } catch {
    // none yet
  }
  const token = randomBytes(32).toString('hex')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  // Written aside, then linked into place: the file appears whole or not at all, and two dev
  // servers of one project starting at once agree on the first one's token.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  fs.writeFileSync(draft, `${token}\n`, { mode: 0o600 })
  try {
    fs.linkSync(draft, file)
    return token
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const existing = fs.readFileSync(file, 'utf8').trim()
    if (/^[0-9a-f]{64}$/.test(existing)) return existing
    fs.renameSync(draft, file) // garbage in its place (not ours): replaced, still whole and private
    return token
  } finally {
    fs.rmSync(draft, { force: true })
  }
}

/** A fresh random nonce for one connection's challenge. */
export function newNonce(): string {
  return randomBytes(16).toString('hex')
}

/** Who makes a proof (`pairing`: not a proof, the extension's pairing secret derived from an offer's code). */
export type ProofRole = 'dev-server' | 'backend' | 'extension' | 'pairing'

/**
 * What one side sends to show it holds the token without sending it: an HMAC over the role, both
 * nonces and what else the message says (`bound`, so it cannot be altered on the way). The role
 * keeps one side's proof from serving as the other's; fresh nonces keep a recorded proof from
 * being replayed. (The extension computes the same with WebCrypto: extension/link/signing.ts.)
 */
export function proofOf(token: string, role: ProofRole, backendNonce: string, serverNonce: string, bound = ''): string {
  return createHmac('sha256', token).update(`wizard-hot-reload\0${role}\0${backendNonce}\0${serverNonce}\0${bound}`).digest('hex')
}

/** The key both sides sign every later frame with (derived from the token and this connection's nonces). */
export function sessionKey(token: string, backendNonce: string, serverNonce: string): Buffer {
  return createHmac('sha256', token).update(`wizard-hot-reload\0session\0${backendNonce}\0${serverNonce}`).digest()
}

/** What the dev server's proof also covers: the rest of its challenge. */
export function challengeBound(challenge: { protocol: number; heartbeatMs: number }): string {
  return `${challenge.protocol}\0${challenge.heartbeatMs}`
}

/**
 * Checks a dev server's challenge: this protocol, and its proof of the token over both nonces (and
 * the rest of the challenge). Until it passes, nothing the server sends may be looked at.
 */
export function checkChallenge(
  message: unknown,
  token: string,
  ownNonce: string,
  protocol: number,
): { ok: true; nonce: string; heartbeatMs: number } | { ok: false; why: 'protocol' | 'proof'; protocol: unknown } {
  const challenge = (message ?? {}) as { protocol?: unknown; nonce?: unknown; proof?: unknown; heartbeatMs?: unknown }
  if (challenge.protocol !== protocol || typeof challenge.nonce !== 'string' || typeof challenge.proof !== 'string')
    return { ok: false, why: 'protocol', protocol: challenge.protocol }
  if (
    typeof challenge.heartbeatMs !== 'number' ||
    !sameToken(proofOf(token, 'dev-server', ownNonce, challenge.nonce, challengeBound({ protocol, heartbeatMs: challenge.heartbeatMs })), challenge.proof)
  ) {
    return { ok: false, why: 'proof', protocol }
  }
  return { ok: true, nonce: challenge.nonce, heartbeatMs: challenge.heartbeatMs }
}

/** Constant-time comparison (the length is not a secret). */
export function sameToken(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export interface TokenSource {
  token?: string
  tokenFile?: string
  /** Where to start looking for `node_modules/.vite/<TOKEN_FILE>` upwards. @default process.cwd() */
  root?: string
}

/** The token a backend presents: the option, the environment variable, the file named, or the nearest project's. */
export function findToken(
  { token, tokenFile, root = process.cwd() }: TokenSource,
  env: NodeJS.ProcessEnv = process.env,
): { token: string; from: string } | { problem: string } {
  if (token) return { token, from: 'the token option' }
  if (env[TOKEN_ENV]) return { token: env[TOKEN_ENV]!.trim(), from: TOKEN_ENV }
  if (tokenFile) {
    try {
      return { token: fs.readFileSync(tokenFile, 'utf8').trim(), from: tokenFile }
    } catch (error) {
      return { problem: `cannot read the token file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }
    }
  }
  const looked: string[] = []
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    // Vite's default cache folder: node_modules/.vite, or .vite in a project without node_modules.
    for (const file of [path.join(dir, 'node_modules', '.vite', TOKEN_FILE), path.join(dir, '.vite', TOKEN_FILE)]) {
      looked.push(file)
      try {
        return { token: fs.readFileSync(file, 'utf8').trim(), from: file }
      } catch {
        // keep looking upwards
      }
    }
    if (path.dirname(dir) === dir) break
  }
  return {
    problem:
      `no token: none of ${looked.slice(0, 2).join(', ')}${looked.length > 2 ? ', …' : ''} exists (the dev server writes it when it starts). ` +
      `Start the dev server with the plugin first, or pass { token } / set ${TOKEN_ENV} / { tokenFile } (with a custom cacheDir: <cacheDir>/${TOKEN_FILE}).`,
  }
}
