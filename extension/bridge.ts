// The content script on the dev server's pages (loopback, and hosts the user granted): it relays the
// overlay's pairing offer to the service worker, and the service worker's word back to the page. It
// reads nothing of the page; the page cannot reach the extension any other way.
import { BRIDGE_CHANNEL, type BridgeMessage } from '../client/extension-wire.ts'
import type { OfferFromPage } from './messages.ts'
import type { ToPage } from './notify/app-tab.ts'

function toPage(message: BridgeMessage): void {
  window.postMessage(message, location.origin)
}

window.addEventListener('message', (event) => {
  if (event.source !== window) return
  const data = event.data as Partial<BridgeMessage> | null
  if (data?.channel !== BRIDGE_CHANNEL || data.from !== 'page') return
  if (data.type === 'hello') toPage({ channel: BRIDGE_CHANNEL, from: 'extension', type: 'here', version: chrome.runtime.getManifest().version })
  else if (data.type === 'pair' && 'offer' in data && data.offer) {
    // (Checked field by field in the service worker: a page may post anything.)
    const message: OfferFromPage = { type: 'pair-offer', offer: data.offer }
    // (Throws when the extension was reloaded since this page loaded: the page then hears nothing.)
    chrome.runtime.sendMessage(message).catch(() => {})
  }
})

chrome.runtime.onMessage.addListener((message: Partial<ToPage>, _sender, sendResponse) => {
  if (message?.type !== 'to-page' || !message.message) return
  toPage(message.message)
  sendResponse(true)
})
