import { BRIDGE_CHANNEL, type BridgeMessage, type ExtensionOffer } from '../extension-wire.ts'

/** What the extension's content script (its bridge) posts to this page. */
export type FromExtension = Extract<BridgeMessage, { from: 'extension' }>

/**
 * The page's side of the bridge to the browser extension: `window.postMessage` to this very window,
 * where the extension's content script listens (on loopback pages, and on hosts the user granted it).
 * Only this window's own messages count — never a frame's or another window's.
 */
export function onExtensionMessage(listener: (message: FromExtension) => void): () => void {
  const handle = (event: MessageEvent) => {
    if (event.source !== window || event.origin !== location.origin) return
    const data = event.data as Partial<BridgeMessage> | null
    if (data?.channel === BRIDGE_CHANNEL && data.from === 'extension') listener(data as FromExtension)
  }
  window.addEventListener('message', handle)
  return () => window.removeEventListener('message', handle)
}

function post(message: Extract<BridgeMessage, { from: 'page' }>): void {
  window.postMessage(message, location.origin)
}

/** Whether the extension's bridge answers here (installed, and allowed on this host) within `ms`. */
export function extensionPresent(ms = 600): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (present: boolean) => {
      clearTimeout(timer)
      stop()
      resolve(present)
    }
    const stop = onExtensionMessage((message) => message.type === 'here' && finish(true))
    const timer = setTimeout(() => finish(false), ms)
    post({ channel: BRIDGE_CHANNEL, from: 'page', type: 'hello' })
  })
}

/** Hands the extension a pairing offer from this page's dev server. */
export function offerToExtension(offer: ExtensionOffer): void {
  post({ channel: BRIDGE_CHANNEL, from: 'page', type: 'pair', offer })
}
