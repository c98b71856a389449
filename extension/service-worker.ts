// The extension's service worker: wiring only. A link per paired dev server (servers/), the badge
// (toolbar/), system notifications (notify/), pairing (pairing/), and the messages of its pages.
// MV3 may suspend it whenever it is idle: everything it must remember is in chrome.storage, the
// links' pings keep it awake while dev servers are connected, and an alarm wakes it to reconnect.
import type { StoreEvent } from '../client/wizard-store.ts'
import { SESSION_KEYS, type Answer, type FromExtensionPage, type OfferFromPage } from './messages.ts'
import { appTabFocused, openPanel } from './notify/app-tab.ts'
import type { Mood } from './notify/moods.ts'
import { Notifier } from './notify/notifier.ts'
import { parseNotificationId, type NotificationSpec } from './notify/plan.ts'
import { PairingFlow } from './pairing/pairing-flow.ts'
import { Fleet } from './servers/fleet.ts'
import type { ServerView } from './servers/server-view.ts'
import { loadPairings, removePairing, savePairing } from './servers/stored-pairings.ts'
import { sessionRecord, throttledWriter } from './session-store.ts'
import { Toolbar } from './toolbar/toolbar.ts'

const WAKE_ALARM = 'wizard-hot-reload:wake'

const toolbar = new Toolbar(() => fleet.views())
const saveViews = throttledWriter(SESSION_KEYS.views, () => fleet.views())
const notifier = new Notifier({
  appFocused: (view) => appTabFocused(view),
  show,
  moods: sessionRecord<Record<string, Record<string, Mood>>>(SESSION_KEYS.moods, {}),
})
const fleet = new Fleet({
  open: (url) => new WebSocket(url),
  browser: browserName(),
  changed: () => {
    toolbar.update()
    saveViews()
  },
  heard,
  paired: (pairing) => void savePairing(pairing),
})
const pairing = new PairingFlow(fleet)

function heard(view: ServerView, event: StoreEvent): void {
  notifier.heard(view, event)
  if (event.type === 'reloaded' && !event.payload.backends?.failed.length) toolbar.flash()
}

function show(spec: NotificationSpec): void {
  // Called through `chrome.notifications` each time (not a saved reference): a test may look at the calls.
  void chrome.notifications.create(spec.id, {
    type: 'basic',
    iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
    title: spec.title,
    message: spec.message,
    contextMessage: spec.contextMessage,
  })
}

async function notificationClicked(id: string): Promise<void> {
  const target = parseNotificationId(id)
  if (!target) return
  await ready
  void chrome.notifications.clear(id)
  const view = fleet.viewOf(target.server)
  if (view) await openPanel(view, target.wizardId)
}

async function answer(message: FromExtensionPage): Promise<Answer> {
  await ready
  switch (message.type) {
    case 'confirm-pairing':
      return pairing.confirm(message.key)
    case 'cancel-pairing':
      return pairing.cancel(message.key)
    case 'pair-by-url':
      return pairing.byUrl(message.url)
    case 'request':
      return { ok: true, result: await fleet.request(message.server, message.request) }
    case 'forget':
      fleet.forget(message.server)
      notifier.forget(message.server)
      await removePairing(message.server)
      return { ok: true }
    case 'open-app': {
      const view = fleet.viewOf(message.server)
      if (!view) return { ok: false, error: `${message.server} is not paired` }
      await openPanel(view, message.wizardId)
      return { ok: true }
    }
    case 'wake':
      fleet.ensureAll()
      return { ok: true }
  }
}

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  const own = sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL('')) === true
  // A content script (the bridge, in a page) may only hand over an offer; everything else is for the extension's own pages.
  if (!own) {
    if ((message as Partial<OfferFromPage>)?.type === 'pair-offer') void pairing.offered((message as OfferFromPage).offer, sender)
    return
  }
  answer(message as FromExtensionPage).then(sendResponse, (error: unknown) => sendResponse({ ok: false, error: String((error as Error)?.message ?? error) }))
  return true
})
chrome.notifications.onClicked.addListener((id) => void notificationClicked(id))
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void ready.then(() => fleet.ensureAll())
})
// Created once (creating it again would restart its period at every wake-up of the worker).
void chrome.alarms.get(WAKE_ALARM).then((alarm) => {
  if (!alarm) void chrome.alarms.create(WAKE_ALARM, { periodInMinutes: 0.5 })
})
// Listeners fire as soon as this script has run (a notification's click can be what woke the worker):
// what they need of the pairings waits for them.
const ready = loadPairings().then(
  (pairings) => fleet.sync(pairings),
  () => {},
)
toolbar.update()

// For debugging from the service worker's console, and for the e2e tests (which cannot click a system notification).
Object.assign(globalThis, { wizardHotReload: { fleet, notifier, notificationClicked } })

function browserName(): string {
  const brand = /(Edg|OPR|Chrome|Chromium|Firefox)\/(\d+)/.exec(navigator.userAgent)
  return brand ? `${brand[1] === 'Edg' ? 'Edge' : brand[1]} ${brand[2]}` : 'a browser'
}
