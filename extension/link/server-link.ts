import {
  closeReason,
  EXTENSION_CLOSE,
  EXTENSION_PATH,
  EXTENSION_PROTOCOL_VERSION,
  EXTENSION_QUERY,
  type ExtensionClientMessage,
  type ExtensionServerMessage,
} from '../../client/extension-wire.ts'
import type { HotContext } from '../../client/hot-context.ts'
import { backoffMs, REFUSED_RETRY_MS } from './backoff.ts'
import { checkChallenge } from './challenge.ts'
import { FrameSigner, MAC_LENGTH, newNonce, pairingSecretOf, proofOf, sameText } from './signing.ts'

/** An event handler property, checked like a method's parameter (both ways), so the DOM's handlers (typed with their own events) fit. */
type Handler<E> = { bivariant(event: E): void }['bivariant'] | null

/** What the link needs of a WebSocket: the browser's, or `ws` in tests. */
export interface LinkSocket {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onmessage: Handler<{ data: unknown }>
  onclose: Handler<{ code: number; reason: string }>
  onerror: Handler<unknown>
}

/** A paired dev server's credential, or a one-time offer's (pairing now). */
export type LinkCredential = { pairingId: string; secret: string } | { offerId: string; code: string }

export interface LinkStatus {
  /** `refused`: something answers there but is not the paired dev server (or no longer knows the pairing). */
  state: 'connecting' | 'connected' | 'unreachable' | 'refused'
  /** Why, in a sentence (empty when connected). */
  detail: string
  /** Epoch milliseconds of the last change of state. */
  since: number
}

export interface LinkOptions {
  /** The dev server's origin, `http://localhost:5173`. */
  server: string
  credential: LinkCredential
  open: (url: string) => LinkSocket
  onStatus?: (status: LinkStatus) => void
  /** Once both proofs passed: what the dev server says it is. */
  onWelcome?: (welcome: { project: string; root: string }) => void
  /** An offer's connection paired: the credential to keep (the link goes on with it). */
  onPaired?: (credential: { pairingId: string; secret: string }) => void
  /** What the extension runs in, for the dev server's status. */
  browser?: string
  /** @default { pingMs: 20000, silentMs: 50000, connectMs: 10000 } */
  timing?: Partial<{ pingMs: number; silentMs: number; connectMs: number }>
}

interface Attempt {
  socket: LinkSocket
  nonce: string
  phase: 'challenge' | 'welcome' | 'open'
  signer?: FrameSigner
  /** An offer's connection: the pairing secret derived from the code, kept until the welcome names the pairing. */
  pairedSecret?: string
  received: number
  sent: number
  /** Frames are checked and sent in order, though WebCrypto is asynchronous. */
  receiving: Promise<void>
  sending: Promise<void>
}

const OPEN = 1

/**
 * One paired dev server: a WebSocket to its extension endpoint, the handshake (the dev server proves
 * the pairing secret first, so the extension never talks to whatever else took the port), signed
 * frames, a ping every 20 s (which also keeps an MV3 service worker alive), and reconnection with
 * back-off. To its listeners it is `import.meta.hot` on a page: the HMR channel's custom events, plus
 * `vite:ws:connect` / `vite:ws:disconnect` — so the page's own store and requester run on it unchanged.
 */
export class ServerLink implements HotContext {
  private credential: LinkCredential
  private current: Attempt | undefined
  private retry: ReturnType<typeof setTimeout> | undefined
  private ticker: ReturnType<typeof setInterval> | undefined
  private failures = 0
  private lastHeard = 0
  private stopped = false
  private readonly listeners = new Map<string, Set<(payload: never) => void>>()
  status: LinkStatus = { state: 'connecting', detail: '', since: Date.now() }

  constructor(private readonly options: LinkOptions) {
    this.credential = options.credential
  }

  get server(): string {
    return this.options.server
  }

  get connected(): boolean {
    return this.current?.phase === 'open'
  }

  /** Connects now unless connected or connecting (a wake-up: the service worker's alarm, the popup opening). */
  ensure(): void {
    if (this.stopped || this.current) return
    this.connect()
  }

  /** Closes for good (the pairing was forgotten or replaced). */
  stop(): void {
    this.stopped = true
    clearTimeout(this.retry)
    const attempt = this.current
    if (attempt) this.abandon(attempt, 1000, 'stopped')
  }

  /** Asks the dev server to drop this pairing, then stops. */
  unpair(): void {
    this.sendMessage({ type: 'unpair' })
    const attempt = this.current
    // The frame goes out before the close (sends are chained); a link that is not open just stops.
    if (attempt) void attempt.sending.then(() => this.stop())
    else this.stop()
  }

  on(event: string, callback: (payload: never) => void): void {
    const set = this.listeners.get(event) ?? new Set()
    set.add(callback)
    this.listeners.set(event, set)
  }

  off(event: string, callback: (payload: never) => void): void {
    this.listeners.get(event)?.delete(callback)
  }

  /** `import.meta.hot.send`: a custom event to the dev server (dropped while not connected, as Vite's client does). */
  send(event: string, data?: unknown): void {
    this.sendMessage({ type: 'event', event, data })
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload as never)
  }

  private setStatus(state: LinkStatus['state'], detail = ''): void {
    if (this.status.state === state && this.status.detail === detail) return
    this.status = { state, detail, since: Date.now() }
    this.options.onStatus?.(this.status)
  }

  private get timing() {
    return { pingMs: 20_000, silentMs: 50_000, connectMs: 10_000, ...this.options.timing }
  }

  private connect(): void {
    clearTimeout(this.retry)
    this.retry = undefined
    const nonce = newNonce()
    const url = new URL(EXTENSION_PATH, this.options.server)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set(EXTENSION_QUERY.protocol, String(EXTENSION_PROTOCOL_VERSION))
    url.searchParams.set(EXTENSION_QUERY.nonce, nonce)
    const credential = this.credential
    if ('pairingId' in credential) url.searchParams.set(EXTENSION_QUERY.pairing, credential.pairingId)
    else url.searchParams.set(EXTENSION_QUERY.offer, credential.offerId)
    let socket: LinkSocket
    try {
      socket = this.options.open(url.href)
    } catch (error) {
      return this.scheduleRetry('unreachable', `cannot open a WebSocket to ${this.server}: ${String(error)}`)
    }
    const attempt: Attempt = { socket, nonce, phase: 'challenge', received: 0, sent: 0, receiving: Promise.resolve(), sending: Promise.resolve() }
    // (The status stays what it was until this attempt ends: no flicker while a restarted dev server comes back.)
    this.current = attempt
    this.lastHeard = Date.now()
    socket.onmessage = (event) => {
      const text = String(event.data)
      attempt.receiving = attempt.receiving.then(() => this.receive(attempt, text)).catch((error: unknown) => this.abandon(attempt, 4001, String(error)))
    }
    socket.onclose = (event) => this.closed(attempt, event.code, event.reason)
    socket.onerror = () => {} // a close event follows
    // Every tick: the ping, and the watch for a link gone silent (a laptop that slept, a half-open TCP connection).
    clearInterval(this.ticker)
    this.ticker = setInterval(() => this.tick(), Math.min(this.timing.pingMs, this.timing.connectMs))
  }

  private tick(): void {
    const attempt = this.current
    if (!attempt) return
    const silent = Date.now() - this.lastHeard
    if (attempt.phase !== 'open' && silent > this.timing.connectMs) return this.abandon(attempt, 1006, `no answer from ${this.server}`)
    if (silent > this.timing.silentMs) return this.abandon(attempt, 1006, `${this.server} went silent`)
    if (attempt.phase === 'open') this.sendMessage({ type: 'ping' })
  }

  private async receive(attempt: Attempt, text: string): Promise<void> {
    if (attempt !== this.current) return
    this.lastHeard = Date.now()
    if (attempt.phase === 'challenge') return this.answerChallenge(attempt, text)
    const body = text.slice(MAC_LENGTH)
    const mac = await attempt.signer!.mac('dev-server', attempt.received++, body)
    if (!sameText(mac, text.slice(0, MAC_LENGTH))) return this.abandon(attempt, EXTENSION_CLOSE.badProof, 'a frame from the dev server did not verify')
    const message = JSON.parse(body) as ExtensionServerMessage
    if (attempt.phase === 'welcome') {
      if (message.type !== 'welcome') return this.abandon(attempt, EXTENSION_CLOSE.badRequest, 'the dev server did not welcome the extension')
      return this.welcomed(attempt, message)
    }
    if (message.type === 'event') this.emit(message.event, message.data)
  }

  /** The dev server must prove the key first; only then does the extension prove it, and derive the session key. */
  private async answerChallenge(attempt: Attempt, text: string): Promise<void> {
    const key = 'secret' in this.credential ? this.credential.secret : this.credential.code
    const checked = await checkChallenge(JSON.parse(text), key, attempt.nonce)
    if (!checked.ok) return this.abandon(attempt, EXTENSION_CLOSE.badProof, `what answers at ${this.server} is not the paired dev server (${checked.why})`)
    const hello: ExtensionClientMessage = { type: 'hello', proof: await proofOf(key, 'extension', attempt.nonce, checked.nonce), browser: this.options.browser }
    const secret = 'secret' in this.credential ? key : await pairingSecretOf(key, attempt.nonce, checked.nonce)
    attempt.signer = await FrameSigner.create(secret, attempt.nonce, checked.nonce)
    if (attempt !== this.current) return
    attempt.socket.send(JSON.stringify(hello))
    attempt.phase = 'welcome'
    if ('code' in this.credential) attempt.pairedSecret = secret
  }

  private welcomed(attempt: Attempt, welcome: Extract<ExtensionServerMessage, { type: 'welcome' }>): void {
    if ('code' in this.credential) {
      if (!welcome.pairingId || !attempt.pairedSecret) return this.abandon(attempt, EXTENSION_CLOSE.badRequest, 'the dev server did not name the pairing')
      this.credential = { pairingId: welcome.pairingId, secret: attempt.pairedSecret }
      this.options.onPaired?.(this.credential)
    }
    attempt.phase = 'open'
    this.failures = 0
    this.options.onWelcome?.({ project: welcome.project, root: welcome.root })
    this.setStatus('connected')
    this.emit('vite:ws:connect', {})
  }

  private sendMessage(message: ExtensionClientMessage): void {
    const attempt = this.current
    if (!attempt || attempt.phase !== 'open') return
    const text = JSON.stringify(message)
    const count = attempt.sent++
    attempt.sending = attempt.sending.then(async () => {
      const mac = await attempt.signer!.mac('extension', count, text)
      if (attempt.socket.readyState === OPEN) attempt.socket.send(mac + text)
    })
  }

  /** Gives up on this socket now (not waiting for a close handshake a dead connection never finishes). */
  private abandon(attempt: Attempt, code: number, reason: string): void {
    const { socket } = attempt
    socket.onmessage = socket.onclose = null
    try {
      socket.close(code >= 4000 ? code : 1000, closeReason(reason))
    } catch {
      // already closing
    }
    this.closed(attempt, code, reason)
  }

  private closed(attempt: Attempt, code: number, reason: string): void {
    if (attempt !== this.current) return
    this.current = undefined
    clearInterval(this.ticker)
    if (attempt.phase === 'open') this.emit('vite:ws:disconnect', {})
    if (this.stopped) return
    if (code === EXTENSION_CLOSE.unpaired) return this.stop()
    const refused = code === EXTENSION_CLOSE.notPaired || code === EXTENSION_CLOSE.badProof || code === EXTENSION_CLOSE.badRequest
    // An offer is good for one try: a pairing that failed is over (the page says why and may start again).
    if ('code' in this.credential) {
      this.setStatus('refused', reason || 'the pairing did not complete')
      return this.stop()
    }
    if (refused) return this.scheduleRetry('refused', reason)
    const detail = attempt.phase === 'open' ? `the connection to ${this.server} closed` : `cannot reach ${this.server}`
    this.scheduleRetry('unreachable', reason && code !== 1006 && code !== 1001 ? `${detail}: ${reason}` : detail)
  }

  private scheduleRetry(state: 'unreachable' | 'refused', detail: string): void {
    this.setStatus(state, detail)
    clearTimeout(this.retry)
    this.retry = setTimeout(() => this.connect(), state === 'refused' ? REFUSED_RETRY_MS : backoffMs(this.failures++))
  }
}
