import { WebSocket } from 'ws'

/** Largest frame either side accepts (module code travels in frames). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/**
 * One WebSocket carrying JSON messages, the same on both ends: sends never throw (false when the
 * socket is not open), malformed frames are ignored, and the dev server side pings so a backend
 * that stops answering (a frozen or vanished process) is dropped instead of waited on.
 */
export class BackendSocket {
  private alive = true
  private heartbeat: NodeJS.Timeout | undefined

  constructor(readonly socket: WebSocket) {
    socket.on('pong', () => (this.alive = true))
    socket.on('error', () => socket.terminate())
    socket.on('close', () => clearInterval(this.heartbeat))
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
      this.socket.send(JSON.stringify(message))
      return true
    } catch {
      return false
    }
  }

  onMessage(listener: (message: unknown) => void): void {
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) return
      let message: unknown
      try {
        message = JSON.parse(String(data))
      } catch {
        return
      }
      if (typeof message === 'object' && message !== null) listener(message)
    })
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
}
