import { BRIDGE_CHANNEL, DEEP_LINK, type BridgeMessage } from '../../client/extension-wire.ts'
import type { ServerView } from '../servers/server-view.ts'

/** What the service worker sends a tab's bridge (content script) to post to the page. */
export interface ToPage {
  type: 'to-page'
  message: BridgeMessage
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined
  } catch {
    return undefined
  }
}

/** The dev server's pages: on its own origin, or where it was paired from (a backend-rendered page elsewhere). */
function isAppUrl(url: string | undefined, view: Pick<ServerView, 'server' | 'appUrl'>): boolean {
  const origin = originOf(url)
  return origin !== undefined && (origin === originOf(view.server) || origin === originOf(view.appUrl))
}

/**
 * True when one of the dev server's pages is the active tab of the focused window: its overlay shows
 * the toast already, so a system notification would say it twice. (Tab URLs are visible to the
 * extension on loopback and on hosts the user granted: exactly the paired dev servers.)
 */
export async function appTabFocused(view: Pick<ServerView, 'server' | 'appUrl'>): Promise<boolean> {
  const window = await chrome.windows.getLastFocused({ populate: true }).catch(() => undefined)
  if (!window?.focused) return false
  return isAppUrl(window.tabs?.find((tab) => tab.active)?.url, view)
}

/**
 * Opens the panel on a wizard (or on what is failing) in the dev server's tab: an open one is focused
 * and told through its bridge (the page keeps its URL, hash routes included); otherwise a new tab opens
 * with a deep link the overlay reads and removes.
 */
export async function openPanel(view: Pick<ServerView, 'server' | 'appUrl'>, wizardId?: string): Promise<void> {
  const tabs = (await chrome.tabs.query({})).filter((tab) => isAppUrl(tab.url, view))
  const tab = tabs.find((candidate) => candidate.active) ?? tabs[0]
  if (tab?.id !== undefined) {
    await chrome.tabs.update(tab.id, { active: true })
    await chrome.windows.update(tab.windowId, { focused: true })
    const open: ToPage = { type: 'to-page', message: { channel: BRIDGE_CHANNEL, from: 'extension', type: 'open', wizardId } }
    const told = await chrome.tabs.sendMessage(tab.id, open).then(
      () => true,
      () => false, // no bridge there (the tab predates the extension): reload it with the link
    )
    if (told) return
    await chrome.tabs.update(tab.id, { url: deepLinked(view.appUrl, wizardId) })
    return
  }
  await chrome.tabs.create({ url: deepLinked(view.appUrl, wizardId) })
}

function deepLinked(appUrl: string, wizardId: string | undefined): string {
  return `${appUrl.split('#', 1)[0]}${DEEP_LINK.wizard}${encodeURIComponent(wizardId ?? '')}`
}
