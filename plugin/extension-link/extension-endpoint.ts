import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import {
  closeReason,
  EXTENSION_CLOSE,
  EXTENSION_PATH,
  EXTENSION_PROTOCOL_VERSION,
  EXTENSION_QUERY,
  type ExtensionServerMessage,
} from '../../client/extension-wire.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import { LinkEndpoint, type LinkEndpointOptions, type LinkRoute } from '../backend-link/link-endpoint.ts'
import { proveThenAwaitHello } from '../backend-link/handshake.ts'
import { proofOf, sessionKey } from '../backend-link/token.ts'
import { refuseUpgrade } from '../notify/upgrade-route.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import type { ExtensionPairing, ExtensionPairings } from './extension-pairings.ts'
import { isExtensionOrigin } from './extension-origin.ts'
import type { PairingOffers } from './pairing-offers.ts'

/** What an extension sends is small: a hello, pings, the panel's requests. */
const MAX_FRAME_BYTES = 64 * 1024

export interface ExtensionEndpointOptions extends LinkEndpointOptions {
  pairings: ExtensionPairings
  offers: PairingOffers
  /** Shown in the extension: the project's folder name, and its root (to shorten paths). */
  project: { name: string; root: string }
  /** Takes an extension whose proof passed; every frame on `socket` is signed from now on. */
  accept: (socket: BackendSocket, pairing: ExtensionPairing) => void
  info: (message: string) => void
}

/**
 * Where the browser extension connects: `EXTENSION_PATH` on the dev server's own HTTP server — the
 * one narrow way in for an extension origin, which every other endpoint refuses. A Host the dev server
 * allows and an extension's `Origin` (never a page's, never none), else HTTP 403; then the pairing:
 * its id (or a one-time offer's) in the query, the dev server's proof of the pairing secret first (so
 * the extension knows it reached the dev server it paired with), then the extension's. An unknown
 * pairing is closed with `EXTENSION_CLOSE.notPaired` and its reason, which the extension can read.
 */
export class ExtensionEndpoint extends LinkEndpoint<ExtensionEndpointOptions> {
  protected upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin
    if (!isExtensionOrigin(origin)) {
      const who = origin === undefined ? 'a client without Origin (tools use the backend channel)' : `a page on ${origin}`
      return refuseUpgrade(socket, 403, `${who} may not connect here: this endpoint is for a paired browser extension only`)
    }
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams
    this.take(req, socket, head, (taken) => this.authenticate(taken, origin, query))
  }

  private authenticate(socket: BackendSocket, origin: string, query: URLSearchParams): void {
    const asked = query.get(EXTENSION_QUERY.protocol)
    if (asked !== String(EXTENSION_PROTOCOL_VERSION)) {
      return socket.close(
        EXTENSION_CLOSE.badRequest,
        `this dev server speaks extension protocol ${EXTENSION_PROTOCOL_VERSION}, the extension ${asked}: update the older one`,
      )
    }
    const nonce = query.get(EXTENSION_QUERY.nonce) ?? ''
    if (!/^[0-9a-f]{32,128}$/.test(nonce)) return socket.close(EXTENSION_CLOSE.badRequest, 'no nonce')
    const credential = this.credentialOf(origin, query)
    if ('refused' in credential) return socket.close(EXTENSION_CLOSE.notPaired, credential.refused)
    const handshake = {
      socket,
      key: credential.key,
      clientNonce: nonce,
      clientRole: 'extension',
      protocol: EXTENSION_PROTOCOL_VERSION,
      heartbeatMs: this.heartbeatMs,
      wrongProof: 'wrong proof: the extension does not hold this pairing',
    } as const
    proveThenAwaitHello(handshake, ({ hello, serverNonce }) => {
      // Closed meanwhile (the dev server is stopping): no pairing recorded, no client taken.
      if (this.isClosed) return socket.close(1001, 'dev server closing')
      let pairing = credential.pairing
      if (!pairing) {
        // The pairing secret is derived on both sides from the offer's code and this connection's nonces: it never travels.
        const browser = typeof hello.browser === 'string' ? hello.browser.slice(0, 120) : ''
        try {
          pairing = this.options.pairings.add(origin, proofOf(credential.key, 'pairing', nonce, serverNonce), browser)
        } catch (error) {
          return socket.close(EXTENSION_CLOSE.notPaired, closeReason(`the dev server cannot record the pairing: ${describeThrown(error)}`))
        }
        this.options.info(`browser extension paired (${origin}${browser ? `, ${browser}` : ''})`)
      }
      socket.sign(sessionKey(pairing.secret, nonce, serverNonce), 'dev-server', 'extension')
      const { name, root } = this.options.project
      socket.send({ type: 'welcome', project: name, root, pairingId: credential.pairing ? undefined : pairing.id } satisfies ExtensionServerMessage)
      this.options.accept(socket, pairing)
    })
  }

  /** The key this connection must prove: a known pairing's secret (of this very extension), or a fresh offer's code. */
  private credentialOf(origin: string, query: URLSearchParams): { key: string; pairing?: ExtensionPairing } | { refused: string } {
    const pairingId = query.get(EXTENSION_QUERY.pairing)
    if (pairingId) {
      const pairing = this.options.pairings.find(pairingId, origin)
      return pairing
        ? { key: pairing.secret, pairing }
        : { refused: 'not paired: this dev server does not know this extension (another project on this port?); pair it again' }
    }
    const offerId = query.get(EXTENSION_QUERY.offer)
    const code = offerId ? this.options.offers.take(offerId) : undefined
    return code ? { key: code } : { refused: 'no such pairing offer (they last 2 minutes, once): click "Connect the browser extension" again' }
  }

  static readonly route: LinkRoute = { path: EXTENSION_PATH, maxPayload: MAX_FRAME_BYTES }
}
