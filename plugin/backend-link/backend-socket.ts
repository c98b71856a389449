import { createHmac, timingSafeEqual } from 'node:crypto'
import { WebSocket } from 'ws'

/** Largest frame either side accepts (module code travels in frames). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/**
 * One WebSocket carrying JSON messages, the same on both ends: sends never throw (false when the
 * socket is not open), malformed frames are ignored, after the handshake every frame is signed,
 * and each side watches the other's heartbeat so a frozen or vanished peer is dropped instead of
 * waited on.
 */
export class BackendSocket {
  private alive = true
  private heartbeat: NodeJS.Timeout | undefined
  private readonly listeners = new Set<(message: unknown) => void>()
  private signing: { key: Buffer; own: Role; peer: Role; sent: number; received: number } | undefined

  constructor(readonly socket: WebSocket) {
    socket.on('pong', () => (this.alive = true))
    socket.on('error', () => socket.terminate())
    socket.on('close', () => clearInterval(this.heartbeat))
    socket.on('message', (data, isBinary) => this.receive(String(data), isBinary))
  }

  /**
   * From now on every frame either way carries an HMAC (the session key, the sender's role and a
   * count of the frames it sent): a frame that does not verify — injected, replayed, reordered —
   * ends the connection. Called by each side right after the handshake proved the token.
   */
  sign(key: Buffer, own: Role, peer: Role = own === 'dev-server' ? 'backend' : 'dev-server'): void {
    this.signing = { key, own, peer, sent: 0, received: 0 }
  }

  /** Pings every `ms`; terminates the connection when a ping went unanswered for a whole interval. */
  keepAlive(ms: number): void {
    this.heartbeat = setInterval(() => {
      if (!this.alive) return this.socket.terminate()
      this.alive = false
      this.socket.ping()
    }, ms)
    this.heartbeat.unref()
  }

  /**
   * The backend's side of the heartbeat: the dev server pings every `ms`; when no ping came for
   * 2.5 intervals (the dev server froze, or vanished without a close — a network cut, a suspended
   * container), the connection is terminated, so the backend reconnects instead of trusting it.
   */
  expectPings(ms: number): void {
    let last = performance.now()
    this.socket.on('ping', () => (last = performance.now()))
    this.heartbeat = setInterval(() => {
      if (performance.now() - last > ms * 2.5) this.socket.terminate()
    }, ms)
    this.heartbeat.unref()
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  send(message: unknown): boolean {
    if (!this.open) return false
    try {
      const text = JSON.stringify(message)
      const signing = this.signing
      this.socket.send(signing ? frameMac(signing.key, signing.own, signing.sent++, text) + text : text)
      return true
    } catch {
      return false
    }
  }

  /** Listens for messages (each frame parsed once, for all listeners); returns the undo. */
  onMessage(listener: (message: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.socket.on('close', (code, reason) => listener(code, String(reason)))
  }

  close(code = 1000, reason = ''): void {
    if (this.socket.readyState === WebSocket.CLOSED) return
    try {
      this.socket.close(code, reason)
    } catch {
      this.socket.terminate()
    }
  }

  private receive(text: string, isBinary: boolean): void {
    if (isBinary) return
    const signing = this.signing
    if (signing) {
      const mac = text.slice(0, MAC_LENGTH)
      text = text.slice(MAC_LENGTH)
      if (!sameMac(mac, frameMac(signing.key, signing.peer, signing.received++, text))) return this.socket.terminate()
    }
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null) return
    for (const listener of [...this.listeners]) {
      try {
        listener(message)
      } catch {
        // A listener's bug ends this one connection (its peer reconnects), never the dev server: ws runs
        // listeners inside its socket's 'message' event, where a throw would be an uncaught exception.
        return this.socket.terminate()
      }
    }
  }
}

type Role = 'dev-server' | 'backend' | 'extension'
const MAC_LENGTH = 64

function frameMac(key: Buffer, role: Role, n: number, text: string): string {
  return createHmac('sha256', key).update(`${role}\0${n}\0`).update(text).digest('hex')
}

function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
