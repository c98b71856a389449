import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { WizardStatePayload } from '../../client/protocol.ts'
import { displayPath } from '../errors/display-path.ts'
import { RequestError, type RequestHandlers } from '../requests/page-requests.ts'
import { isLoadingAllowed } from '../vite-internals/fs-rules.ts'
import { ExtensionClients } from './extension-clients.ts'
import { ExtensionEndpoint } from './extension-endpoint.ts'
import { ExtensionPairings } from './extension-pairings.ts'
import { PairingOffers } from './pairing-offers.ts'

export interface ExtensionChannel {
  endpoint: ExtensionEndpoint
  clients: ExtensionClients
  offers: PairingOffers
}

export interface ExtensionChannelOptions {
  server: ViteDevServer
  snapshot: () => WizardStatePayload
  handlers: RequestHandlers
  info: (message: string) => void
  problem: (message: string) => void
}

/**
 * The dev server's side of the browser extension: its pairings, the one-time offers the panel asks
 * for, the endpoint and the connected extensions. Off (undefined, with the reason said once) whenever
 * Vite would serve the pairings file — its folder is added to `server.fs.deny`, as for the backend token.
 */
export function openExtensionChannel(o: ExtensionChannelOptions): ExtensionChannel | undefined {
  const { root, cacheDir } = o.server.config
  const pairings = new ExtensionPairings(cacheDir)
  if (isLoadingAllowed(o.server.config, pairings.file)) {
    const why = o.server.config.server.fs.strict === false ? 'server.fs.strict is false, so Vite' : 'this Vite version'
    o.problem(`the browser extension's endpoint is off: ${why} would serve its pairings file (${displayPath(root, pairings.file)}) over HTTP`)
    return undefined
  }
  const offers = new PairingOffers()
  const clients = new ExtensionClients({
    snapshot: o.snapshot,
    // The extension asks what the panel asks; it cannot make offers for other extensions.
    handlers: {
      ...o.handlers,
      'extension-offer': () => Promise.reject(new RequestError('pairing offers are for the dev server’s own pages, not over the extension’s link')),
    },
    pairings,
    problem: o.problem,
  })
  const endpoint = new ExtensionEndpoint({
    allowedHosts: o.server.config.server.allowedHosts,
    pairings,
    offers,
    project: { name: path.basename(root), root },
    accept: (socket, pairing) => clients.accept(socket, pairing),
    info: o.info,
  })
  return { endpoint, clients, offers }
}
