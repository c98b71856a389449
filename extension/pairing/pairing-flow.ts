import { BRIDGE_CHANNEL, DEEP_LINK, type ExtensionOffer, type PairingProgress } from '../../client/extension-wire.ts'
import { SESSION_KEYS, type Answer } from '../messages.ts'
import type { ToPage } from '../notify/app-tab.ts'
import type { Fleet } from '../servers/fleet.ts'
import { hostPattern, httpOrigin, isLoopback, withoutHash } from './hosts.ts'

/** An offer from a page, waiting for the user's word in the pairing page. */
export interface Candidate {
  offer: ExtensionOffer
  appUrl: string
  tabId: number | undefined
}

/** The longest an offer may say it lasts (the dev server's last 2 minutes; a little slack for clocks). */
const OFFER_MAX_MS = 150_000

/** How long a pairing started from the popup waits for its tab's offer (the dev server's offers last as long). */
const PENDING_MS = 120_000

/**
 * Pairing, from either end. From the panel: its offer reaches the service worker through the page's
 * bridge, and the extension's own pairing page asks the user to confirm (any loopback page could post
 * an offer — for a server of its own — so the extension contacts none the user did not confirm). From
 * the popup by URL: the user already said which dev server, so the tab the extension opens for it
 * pairs at once (its overlay reads the deep link and sends an offer), and only that tab's offer counts.
 */
export class PairingFlow {
  constructor(private readonly fleet: Fleet) {}

  /** An offer from a page (through its bridge). */
  async offered(raw: unknown, sender: chrome.runtime.MessageSender): Promise<void> {
    const offer = parseOffer(raw)
    const tabId = sender.tab?.id
    const pageOrigin = httpOrigin(sender.url)
    if (!offer || !pageOrigin || !sender.url) return
    const appUrl = withoutHash(sender.url)
    const pending = (await chrome.storage.session.get(SESSION_KEYS.pending))[SESSION_KEYS.pending] as
      Record<string, { tabId: number; until: number }> | undefined
    const expected = pending?.[pageOrigin]
    // Paired at once only for the tab the popup opened, and only with that page's own server (or a local one):
    // the host the user granted in the popup is the page's, not one the page names.
    if (expected && expected.tabId === tabId && expected.until > Date.now() && (offer.server === pageOrigin || isLoopback(offer.server))) {
      const { [pageOrigin]: _taken, ...rest } = pending!
      await chrome.storage.session.set({ [SESSION_KEYS.pending]: rest })
      return void (await this.pair(offer, appUrl, tabId))
    }
    // One waiting offer per page tab, and one pairing page: a page posting offer after offer replaces its own
    // and reuses that page, rather than filling the session storage and opening tab after tab.
    const key = crypto.randomUUID()
    const byTab = ((await chrome.storage.session.get(SESSION_KEYS.candidateOfTab))[SESSION_KEYS.candidateOfTab] ?? {}) as Record<string, string>
    const tabKey = String(tabId ?? 'none')
    if (byTab[tabKey]) await chrome.storage.session.remove(SESSION_KEYS.candidate(byTab[tabKey]))
    await chrome.storage.session.set({
      [SESSION_KEYS.candidate(key)]: { offer, appUrl, tabId } satisfies Candidate,
      [SESSION_KEYS.candidateOfTab]: { ...byTab, [tabKey]: key },
    })
    tell(tabId, 'confirm', 'Confirm in the tab the extension opened.')
    // (The query makes a reused page load afresh: it reads its key once.)
    const url = chrome.runtime.getURL(`pairing/pair.html?${key}#${key}`)
    const open = (await chrome.storage.session.get(SESSION_KEYS.pairingTab))[SESSION_KEYS.pairingTab] as number | undefined
    const reused = open === undefined ? undefined : await chrome.tabs.update(open, { url, active: true }).catch(() => undefined)
    if (!reused) {
      const tab = await chrome.tabs.create({ url })
      await chrome.storage.session.set({ [SESSION_KEYS.pairingTab]: tab.id })
    }
  }

  /** The user confirmed in the pairing page (which asked for the host permission first, when not loopback). */
  async confirm(key: string): Promise<Answer> {
    const candidate = await this.take(key)
    if (!candidate) return { ok: false, error: 'this pairing request is gone (it lasts 2 minutes): click "Connect the browser extension" again' }
    const answer = await this.pair(candidate.offer, candidate.appUrl, candidate.tabId)
    // Back to the page that asked: its panel says how it went (the pairing page closes itself).
    if (answer.ok && candidate.tabId !== undefined) await chrome.tabs.update(candidate.tabId, { active: true }).catch(() => {})
    return answer
  }

  async cancel(key: string): Promise<Answer> {
    const candidate = await this.take(key)
    tell(candidate?.tabId, 'failed', 'Pairing cancelled in the extension.')
    return { ok: true }
  }

  /** From the popup (which asked for the host permission when not loopback): opens the app to pair from its panel. */
  async byUrl(url: string): Promise<Answer> {
    const origin = httpOrigin(url)
    if (!origin) return { ok: false, error: `not an http(s) URL: ${url}` }
    if (!isLoopback(origin)) {
      if (!(await chrome.permissions.contains({ origins: [hostPattern(origin)] }))) return { ok: false, error: `no permission for ${new URL(origin).host}` }
      await ensureBridge(origin)
    }
    const tab = await chrome.tabs.create({ url: `${withoutHash(url)}${DEEP_LINK.connectExtension}` })
    const pending = ((await chrome.storage.session.get(SESSION_KEYS.pending))[SESSION_KEYS.pending] ?? {}) as Record<string, unknown>
    await chrome.storage.session.set({ [SESSION_KEYS.pending]: { ...pending, [origin]: { tabId: tab.id, until: Date.now() + PENDING_MS } } })
    return { ok: true }
  }

  private async pair(offer: ExtensionOffer, appUrl: string, tabId: number | undefined): Promise<Answer> {
    try {
      await this.fleet.pair(offer, appUrl)
      if (!isLoopback(offer.server)) await ensureBridge(offer.server)
      tell(tabId, 'paired', `Connected: the extension follows ${new URL(offer.server).host}.`)
      return { ok: true }
    } catch (error) {
      const message = String((error as Error).message ?? error)
      tell(tabId, 'failed', `The extension could not pair: ${message}`)
      return { ok: false, error: message }
    }
  }

  private async take(key: string): Promise<Candidate | undefined> {
    // Answered: that pairing page is done (it closes itself); the next offer opens a page of its own.
    await chrome.storage.session.remove(SESSION_KEYS.pairingTab)
    const name = SESSION_KEYS.candidate(key)
    const candidate = (await chrome.storage.session.get(name))[name] as Candidate | undefined
    await chrome.storage.session.remove(name)
    return candidate
  }
}

/** Tells the page (through its bridge) how its pairing goes. */
function tell(tabId: number | undefined, state: PairingProgress, message: string): void {
  if (tabId === undefined) return
  const toPage: ToPage = { type: 'to-page', message: { channel: BRIDGE_CHANNEL, from: 'extension', type: 'pairing', state, message } }
  chrome.tabs.sendMessage(tabId, toPage).catch(() => {}) // the tab is gone: nobody to tell
}

/** The bridge on a granted host too (the manifest declares it for loopback only). */
async function ensureBridge(origin: string): Promise<void> {
  const id = `bridge:${hostPattern(origin)}`
  if ((await chrome.scripting.getRegisteredContentScripts({ ids: [id] })).length > 0) return
  await chrome.scripting.registerContentScripts([{ id, matches: [hostPattern(origin)], js: ['bridge.js'], runAt: 'document_start' }])
}

/** An offer as the page sent it, checked field by field (a page may send anything). */
export function parseOffer(raw: unknown): ExtensionOffer | undefined {
  const offer = (raw ?? {}) as Partial<Record<keyof ExtensionOffer, unknown>>
  const server = typeof offer.server === 'string' ? httpOrigin(offer.server) : undefined
  if (!server || server !== offer.server) return undefined
  if (typeof offer.offerId !== 'string' || !/^[0-9a-f]{32}$/.test(offer.offerId)) return undefined
  if (typeof offer.code !== 'string' || !/^[0-9a-f]{64}$/.test(offer.code)) return undefined
  // (An offer lasts 2 minutes on the dev server: one claiming longer is not one of its offers.)
  if (typeof offer.expiresAt !== 'number' || offer.expiresAt < Date.now() || offer.expiresAt > Date.now() + OFFER_MAX_MS) return undefined
  return { server, offerId: offer.offerId, code: offer.code, expiresAt: offer.expiresAt }
}
