import WebSocket from 'ws'
import type { ViteDevServer } from 'vite'
import { vi } from 'vitest'
import { WIZARD_EVENTS } from '../client/protocol.ts'
import type { WizardReply } from '../client/wire.ts'

export interface HmrMessage {
  type: string
  event?: string
  data?: unknown
}

/** A real client on Vite's own HMR WebSocket (what `import.meta.hot` talks to in a page). */
export class ViteHmrClient {
  readonly messages: HmrMessage[] = []
  private asked = 0
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(String(raw)) as HmrMessage))
  }

  /** A socket to the dev server's own port; `headers` as a browser would send them (`origin`, `host`). */
  static async connect(server: ViteDevServer, headers: Record<string, string> = {}): Promise<ViteHmrClient> {
    const address = server.httpServer!.address()
    if (!address || typeof address === 'string') throw new Error('server is not listening')
    return ViteHmrClient.connectTo(`ws://127.0.0.1:${address.port}/`, server.config.webSocketToken, headers)
  }

  /** A socket to Vite's HMR server at `url` (its own port, in middleware mode or with `server.hmr.port`). */
  static async connectTo(url: string, token: string, headers: Record<string, string> = {}): Promise<ViteHmrClient> {
    const socket = new WebSocket(`${url}?token=${token}`, 'vite-hmr', { headers })
    const client = new ViteHmrClient(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
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

  /** Sends one of the panel's requests (`history`, `rollback`, `extension-offer`…) and waits for its reply. */
  async ask(request: Record<string, unknown>, id = `r${++this.asked}`): Promise<WizardReply> {
    this.send(WIZARD_EVENTS.request, { id, ...request })
    return vi.waitFor(() => {
      const reply = this.custom<WizardReply>(WIZARD_EVENTS.reply).find((candidate) => candidate.id === id)
      if (!reply) throw new Error(`no reply yet to ${JSON.stringify(request)}`)
      return reply
    })
  }

  close(): void {
    this.socket.close()
  }
}
