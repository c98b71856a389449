/**
 * The browser extension's wire, defined once: the dev server's extension endpoint
 * (plugin/extension-link/), the extension (extension/), and the page's bridge to it (the overlay's
 * "Connect the browser extension"). Like protocol.ts it holds only types and constants.
 *
 * After the handshake the extension speaks the HMR channel's own custom events (`WIZARD_EVENTS`:
 * `ready` → a `state` snapshot, the reload events, `request` → `reply`), wrapped as `event`
 * messages, so it gets exactly what the dev server's own pages get, through the same validated path.
 */

/** Served on the dev server's own HTTP server, next to Vite's HMR socket and the backend channel. */
export const EXTENSION_PATH = '/@wizard-hot-reload/extension'
export const EXTENSION_PROTOCOL_VERSION = 1

/** The upgrade request's query parameters (a browser's WebSocket cannot send headers). */
export const EXTENSION_QUERY = {
  protocol: 'v',
  /** The extension's fresh nonce (hex) for this connection's proofs. */
  nonce: 'nonce',
  /** A pairing's id: a paired extension reconnecting. */
  pairing: 'pairing',
  /** A pairing offer's id: an extension pairing now. */
  offer: 'offer',
} as const

/** Close codes the extension can read (a browser cannot read an HTTP refusal's status). */
export const EXTENSION_CLOSE = {
  /** The dev server does not know this pairing (or offer) for this extension: pair again. */
  notPaired: 4003,
  /** The request was malformed, or speaks another protocol version. */
  badRequest: 4000,
  /** A proof did not verify. */
  badProof: 4001,
  /** The extension forgot this dev server (it asked to be unpaired). */
  unpaired: 4004,
} as const

/**
 * A one-time pairing grant, from the dev server to one of its own pages (the panel's request
 * `extension-offer`), which hands it to the extension: the extension proves it knows `code` and the
 * dev server proves it made it; both then derive the pairing secret from it (it never travels).
 */
export interface ExtensionOfferGrant {
  offerId: string
  code: string
  /** Epoch milliseconds; single use before then. */
  expiresAt: number
}

/** The grant as the extension gets it: with the dev server's origin (where the page's overlay came from). */
export interface ExtensionOffer extends ExtensionOfferGrant {
  server: string
}

/** The dev server's side: the challenge, the welcome once both proofs passed, then HMR-channel events. */
export type ExtensionServerMessage =
  /** The first frame: the dev server's nonce and its proof of the key (the pairing secret, or the offer's code). */
  | { type: 'challenge'; protocol: number; nonce: string; proof: string; heartbeatMs: number }
  /** Both proofs passed; every later frame is signed. `pairingId` is set when this connection paired. */
  | { type: 'welcome'; project: string; root: string; pairingId?: string }
  /** A custom event of the HMR channel (`WIZARD_EVENTS`), with its payload. */
  | { type: 'event'; event: string; data: unknown }
  | { type: 'pong' }

/** The extension's side. */
export type ExtensionClientMessage =
  /** Its proof, answering the challenge. */
  | { type: 'hello'; proof: string; browser?: string }
  /** `WIZARD_EVENTS.ready` (asks for the snapshot) or `WIZARD_EVENTS.request` (history, diff, rollback, undo, retry). */
  | { type: 'event'; event: string; data: unknown }
  /** Keeps the link (and the extension's service worker) alive, and finds a dead one. */
  | { type: 'ping' }
  /** The user forgot this dev server in the extension: the dev server drops the pairing. */
  | { type: 'unpair' }

/**
 * The page ↔ extension bridge: `window.postMessage` between the overlay and the extension's content
 * script (on loopback pages, and on hosts the user granted). Each side ignores its own messages by `from`.
 */
export const BRIDGE_CHANNEL = 'wizard-hot-reload:extension-bridge'

export type BridgeMessage =
  | { channel: typeof BRIDGE_CHANNEL; from: 'page'; type: 'hello' }
  | { channel: typeof BRIDGE_CHANNEL; from: 'page'; type: 'pair'; offer: ExtensionOffer }
  | { channel: typeof BRIDGE_CHANNEL; from: 'extension'; type: 'here'; version: string }
  | { channel: typeof BRIDGE_CHANNEL; from: 'extension'; type: 'pairing'; state: PairingProgress; message: string }
  /** Open the panel on this wizard (a notification was clicked); without one, on what is failing. */
  | { channel: typeof BRIDGE_CHANNEL; from: 'extension'; type: 'open'; wizardId?: string }

/** How a pairing the page started is going, as the extension tells it. */
export type PairingProgress = 'confirm' | 'paired' | 'failed'

/**
 * Links into the app's page, in its URL's hash (read and removed by the overlay): open the panel on a
 * wizard (a new tab opened from a notification), or start pairing (a tab opened by the extension's
 * popup, which waits for exactly that tab's offer).
 */
export const DEEP_LINK = {
  wizard: '#wizard-hot-reload:wizard=',
  connectExtension: '#wizard-hot-reload:connect-extension',
} as const

/** A WebSocket close reason cut to what a close frame carries (123 bytes of UTF-8; `close()` throws past it), whole characters only. */
export function closeReason(text: string): string {
  const encoder = new TextEncoder()
  if (encoder.encode(text).length <= 123) return text
  let cut = [...text].slice(0, 123)
  while (encoder.encode(`${cut.join('')}…`).length > 123) cut = cut.slice(0, -1)
  return `${cut.join('')}…`
}
