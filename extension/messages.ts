import type { ExtensionOffer } from '../client/extension-wire.ts'
import type { WizardRequestInput } from '../client/requests.ts'

/** From the bridge, in a page: an offer the page's panel got from its dev server. */
export interface OfferFromPage {
  type: 'pair-offer'
  offer: ExtensionOffer
}

/** From the extension's own pages (popup, pairing page) to its service worker. */
export type FromExtensionPage =
  | { type: 'confirm-pairing'; key: string }
  | { type: 'cancel-pairing'; key: string }
  | { type: 'pair-by-url'; url: string }
  | { type: 'request'; server: string; request: WizardRequestInput }
  | { type: 'forget'; server: string }
  | { type: 'open-app'; server: string; wizardId?: string }
  /** The popup opened: reconnect what is not connected, now. */
  | { type: 'wake' }

export type Answer = { ok: true; result?: unknown } | { ok: false; error: string }

/** Asks the service worker (it wakes for it); a failure to reach it is an answer too. */
export async function ask(message: FromExtensionPage): Promise<Answer> {
  try {
    return ((await chrome.runtime.sendMessage(message)) as Answer | undefined) ?? { ok: false, error: 'no answer from the extension' }
  } catch (error) {
    return { ok: false, error: String((error as Error).message ?? error) }
  }
}

/** What the service worker keeps in chrome.storage.session (the extension's own pages read it; content scripts cannot). */
export const SESSION_KEYS = {
  /** ServerView[]: what the popup shows. */
  views: 'views',
  /** Moods already notified, per dev server. */
  moods: 'moods',
  /** Pairings started from the popup by URL: the tab opened for each origin, and until when. */
  pending: 'pending',
  /** An offer from a page, waiting for the user's confirmation in the pairing page. */
  candidate: (key: string) => `candidate:${key}`,
  /** Per page tab, the key of its one waiting offer (a newer offer from the tab replaces it). */
  candidateOfTab: 'candidateOfTab',
  /** The one pairing page open (a new request reuses it rather than opening tab after tab). */
  pairingTab: 'pairingTab',
} as const
