import { DEEP_LINK } from '../extension-wire.ts'

/** What the extension asked for in the URL's hash: the panel on a wizard (or on what fails), or pairing. */
export type DeepLink = { type: 'wizard'; wizardId?: string } | { type: 'connect-extension' }

export function readDeepLink(hash: string): DeepLink | undefined {
  if (hash === DEEP_LINK.connectExtension) return { type: 'connect-extension' }
  if (!hash.startsWith(DEEP_LINK.wizard)) return undefined
  let wizardId: string
  try {
    wizardId = decodeURIComponent(hash.slice(DEEP_LINK.wizard.length))
  } catch {
    return undefined
  }
  return { type: 'wizard', wizardId: wizardId || undefined }
}

/** Takes the link out of the address bar without a navigation (no `hashchange` for the app's own router). */
export function clearDeepLink(): void {
  history.replaceState(history.state, '', `${location.pathname}${location.search}`)
}
