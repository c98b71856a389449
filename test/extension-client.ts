import WebSocket from 'ws'
import type { ExtensionOffer } from '../client/extension-wire.ts'
import type { WizardReply } from '../client/wire.ts'
import { ServerLink, type LinkCredential, type LinkSocket, type LinkStatus } from '../extension/link/server-link.ts'
import { ViteHmrClient } from './vite-hmr-client.ts'
import type { ViteDevServer } from 'vite'

/** An extension's origin as Chromium sends it (32 letters a–p). */
export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop'

/** The extension's own link (extension/link/server-link.ts) over a `ws` socket sending the extension's Origin; records every frame. */
export function extensionLink(server: string, credential: LinkCredential, origin = EXTENSION_ORIGIN) {
  const frames: Array<{ dir: 'in' | 'out'; text: string }> = []
  const statuses: LinkStatus[] = []
  const paired: Array<{ pairingId: string; secret: string }> = []
  const link = new ServerLink({
    server,
    credential,
    browser: 'Test 1',
    open: (url) => {
      const socket = new WebSocket(url, { origin })
      socket.on('message', (data) => frames.push({ dir: 'in', text: String(data) }))
      const send = socket.send.bind(socket)
      socket.send = ((text: string) => {
        frames.push({ dir: 'out', text })
        send(text)
      }) as typeof socket.send
      return socket as unknown as LinkSocket
    },
    onStatus: (status) => statuses.push(status),
    onPaired: (credential) => paired.push(credential),
  })
  return { link, frames, statuses, paired }
}

/** A pairing offer as the panel gets it: asked over Vite's HMR socket by one of the dev server's own pages. */
export async function offerFrom(server: ViteDevServer, url: string, headers: Record<string, string> = {}): Promise<ExtensionOffer | WizardReply> {
  const page = await ViteHmrClient.connect(server, headers)
  try {
    const reply = await page.ask({ type: 'extension-offer' }, 'offer')
    return reply.ok ? { ...(reply.result as Omit<ExtensionOffer, 'server'>), server: url } : reply
  } finally {
    page.close()
  }
}
