import WebSocket from 'ws'
import type { ViteDevServer } from 'vite'

export interface HmrMessage {
  type: string
  event?: string
  data?: unknown
}

/** A real client on Vite's own HMR WebSocket (what `import.meta.hot` talks to in a page). */
export class ViteHmrClient {
  readonly messages: HmrMessage[] = []
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(String(raw)) as HmrMessage))
  }

  static async connect(server: ViteDevServer): Promise<ViteHmrClient> {
    const address = server.httpServer!.address()
    if (!address || typeof address === 'string') throw new Error('server is not listening')
    const socket = new WebSocket(`ws://127.0.0.1:${address.port}/?token=${server.config.webSocketToken}`, 'vite-hmr')
    const client = new ViteHmrClient(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return client
  }

  /** Custom events received so far with this name. */
  custom<T = unknown>(event: string): T[] {
    return this.messages.filter((message) => message.type === 'custom' && message.event === event).map((message) => message.data as T)
  }

  send(event: string, data: unknown): void {
    this.socket.send(JSON.stringify({ type: 'custom', event, data }))
  }

  close(): void {
    this.socket.close()
  }
}
