import WebSocket, { type ClientOptions } from 'ws'
import type { ReferenceMessage } from '../client/protocol.ts'

/** A plain WebSocket client of the reference protocol, recording every JSON message. */
export class ReferenceClient {
  readonly messages: ReferenceMessage[] = []
  closeCode: number | undefined

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(String(raw)) as ReferenceMessage))
    socket.on('close', (code) => (this.closeCode = code))
  }

  static connect(url: string, options: ClientOptions = {}): Promise<ReferenceClient> {
    const socket = new WebSocket(url, options)
    const client = new ReferenceClient(socket)
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client))
      socket.once('error', reject)
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    })
  }

  of<E extends ReferenceMessage['event']>(event: E): Extract<ReferenceMessage, { event: E }>[] {
    return this.messages.filter((message) => message.event === event) as Extract<ReferenceMessage, { event: E }>[]
  }

  close(): void {
    this.socket.terminate()
  }
}

export function portOf(server: { address(): unknown }): number {
  const address = server.address() as { port: number } | null
  if (!address) throw new Error('not listening')
  return address.port
}
