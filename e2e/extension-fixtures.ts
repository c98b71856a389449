import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test'
import { CHROMIUM_FLAGS, chromiumLaunchOptions } from './browser.ts'
import { expect, test as base } from './fixtures.ts'
import type { ServerView } from '../extension/servers/server-view.ts'
import type { Playground } from './playground.ts'

/** The built extension (npm run build), loaded unpacked as a user would. */
export const EXTENSION_DIR = path.resolve('dist/extension')

/** The badge's colours (extension/toolbar/badge.ts). */
export const BADGE = { failing: '#d93025', success: '#1e8e3e', unreachable: '#80868b' } as const

/** Breaks the playground's greeting wizard (a syntax error), and fixes it again. */
export const breakGreeting = (code: string) => code.replace("return 'Hello from the greeting wizard'", "return 'Hello from the greeting wizard' +")
export const fixGreeting = (code: string) => code.replace("return 'Hello from the greeting wizard' +", "return 'Hello, fixed'")

/** Chromium's id for an extension loaded unpacked from `dir`: the first 128 bits of the path's SHA-256, in the letters a–p. */
export function unpackedExtensionId(dir: string): string {
  const hex = crypto.createHash('sha256').update(dir).digest('hex').slice(0, 32)
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('')
}

/** Chromium with the extension loaded, its service worker, and what the tests read from it. */
export interface ExtensionBrowser {
  context: BrowserContext
  /** The extension's id (its origin is chrome-extension://<id>). */
  id: string
  /** The service worker running now (MV3 stops it when idle; the next event starts another): spied on. */
  worker(): Promise<Worker>
  /** What the service worker knows of each paired dev server (what the popup shows). */
  views(): Promise<ServerView[]>
  /** Stops the service worker, as the browser does when it is idle (DevTools' "Stop"); the next event starts a fresh one. */
  suspend(): Promise<void>
  /** The toolbar badge: its text and colour (`#rrggbb`). */
  badge(): Promise<{ text: string; color: string }>
  /** The notifications created since `spyOnNotifications` (the service worker calls chrome.notifications.create each time). */
  created(): Promise<Array<{ id: string; title: string; message: string; contextMessage?: string }>>
  /** What the notifier's last bursts came to (the witness of a notification not shown). */
  recent(): Promise<Array<{ server: string; wizards: string[]; shown: string[]; appInFront: boolean }>>
  /** The pairings the extension keeps. */
  pairings(): Promise<Array<{ server: string; appUrl: string; pairingId: string }>>
  /** Opens the app's page, its panel, and clicks "Connect the browser extension"; confirms in the tab the extension opens. */
  pairFromPanel(playground: Playground): Promise<Page>
  /** Pairs from the panel, then closes the app's tab: the extension goes on with no tab of the app open. */
  pairWithoutTab(playground: Playground): Promise<void>
  popup(): Promise<Page>
  /** Clicks a notification as the system would (a test cannot click the system's own). */
  clickNotification(id: string): Promise<void>
  /** Opens a WebSocket from the service worker (the extension's own origin) and tells how it ended. */
  probe(url: string): Promise<{ opened: boolean; code: number; frames: number }>
}

export const test = base.extend<{ extension: ExtensionBrowser; display: string | undefined }>({
  /** An X display (Xvfb) to run a headed Chromium on, its extension pinned to the toolbar: for screenshots of the browser's own UI. */
  display: [undefined, { option: true }],
  extension: async ({ display }, use) => {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-extension-'))
    if (display) {
      fs.mkdirSync(path.join(userDataDir, 'Default'))
      const preferences = { extensions: { pinned_extensions: [unpackedExtensionId(EXTENSION_DIR)] } }
      fs.writeFileSync(path.join(userDataDir, 'Default', 'Preferences'), JSON.stringify(preferences))
    }
    const flags = CHROMIUM_FLAGS.filter((flag) => flag !== '--headless')
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumLaunchOptions().executablePath,
      headless: !display,
      env: display ? { ...process.env, DISPLAY: display } : undefined,
      // Chromium's own headless mode (not the old shell) loads MV3 extensions and runs their service workers.
      args: [
        ...(display ? ['--window-position=0,0', '--window-size=900,500'] : ['--headless=new']),
        ...flags,
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
      ],
      viewport: display ? null : { width: 1100, height: 640 },
    })
    try {
      const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
      await use(extensionBrowser(context, new URL(first.url()).host))
    } finally {
      await context.close()
      fs.rmSync(userDataDir, { recursive: true, force: true })
    }
  },
})

export { expect }

type Hooks = typeof globalThis & {
  wizardHotReload: { notifier: { recent: [] }; fleet: { views(): ServerView[] }; notificationClicked(id: string): Promise<void> }
  createdNotifications?: []
}

function extensionBrowser(context: BrowserContext, id: string): ExtensionBrowser {
  const running = async (): Promise<Worker> => {
    const isOurs = (candidate: Worker) => candidate.url() === `chrome-extension://${id}/service-worker.js`
    const worker = context.serviceWorkers().find(isOurs) ?? (await context.waitForEvent('serviceworker', { predicate: isOurs }))
    await spyOnNotifications(worker)
    return worker
  }
  // (Serialised into the worker: `run` uses only its argument.)
  const inWorker = async <T, A = undefined>(run: (arg: A) => T | Promise<T>, arg?: A): Promise<T> =>
    (await running()).evaluate(run as (arg: unknown) => T | Promise<T>, arg)
  return {
    context,
    id,
    worker: running,
    async suspend() {
      // A page of the extension's origin that sends it nothing (the popup would wake it), for DevTools' ServiceWorker domain.
      const page = await context.newPage()
      await page.goto(`chrome-extension://${id}/icons/icon-16.png`)
      const cdp = await context.newCDPSession(page)
      const states: string[] = []
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => states.push(...versions.map((version) => version.runningStatus)))
      await cdp.send('ServiceWorker.enable')
      await cdp.send('ServiceWorker.stopAllWorkers')
      await expect.poll(() => states.at(-1)).toBe('stopped')
      await page.close()
    },
    views: () => inWorker(() => (globalThis as Hooks).wizardHotReload.fleet.views()),
    badge: () =>
      inWorker(async () => {
        const [r, g, b] = await chrome.action.getBadgeBackgroundColor({})
        return { text: await chrome.action.getBadgeText({}), color: `#${[r, g, b].map((n) => n.toString(16).padStart(2, '0')).join('')}` }
      }),
    created: () => inWorker(() => (globalThis as Hooks).createdNotifications ?? []),
    recent: () => inWorker(() => (globalThis as Hooks).wizardHotReload.notifier.recent),
    pairings: () => inWorker(async () => ((await chrome.storage.local.get('pairings')).pairings ?? []) as []),
    async pairFromPanel(playground) {
      const page = await context.newPage()
      await playground.open(page)
      await page.keyboard.press('Alt+Shift+W')
      const confirming = context.waitForEvent('page', { predicate: (opened) => opened.url().startsWith(`chrome-extension://${id}/pairing/`) })
      await panelOf(page).getByRole('button', { name: 'Connect the browser extension' }).click()
      const pairingPage = await confirming
      await expect(pairingPage.getByRole('heading')).toHaveText(`Pair with the dev server at ${new URL(playground.url).host}?`)
      await pairingPage.getByRole('button', { name: 'Pair', exact: true }).click()
      await expect(panelOf(page).locator('.extension-connect .notice')).toHaveText(`Connected: the extension follows ${new URL(playground.url).host}.`)
      return page
    },
    async pairWithoutTab(playground) {
      await (await this.pairFromPanel(playground)).close()
    },
    clickNotification: (notification) => inWorker((clicked) => (globalThis as Hooks).wizardHotReload.notificationClicked(clicked), notification),
    probe: (url) =>
      inWorker(
        (target) =>
          new Promise<{ opened: boolean; code: number; frames: number }>((resolve) => {
            const socket = new WebSocket(target)
            let opened = false
            let frames = 0
            socket.onopen = () => (opened = true)
            socket.onmessage = () => frames++
            socket.onclose = (event) => resolve({ opened, code: event.code, frames })
          }),
        url,
      ),
    async popup() {
      const page = await context.newPage()
      await page.setViewportSize({ width: 380, height: 420 })
      await page.goto(`chrome-extension://${id}/popup/popup.html`)
      return page
    },
  }
}

/** Records every chrome.notifications.create call in the service worker (the notifications are real too), once per worker. */
async function spyOnNotifications(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    if ('createdNotifications' in globalThis) return
    const created: unknown[] = []
    const original = chrome.notifications.create.bind(chrome.notifications) as (
      id: string,
      options: chrome.notifications.NotificationCreateOptions,
    ) => Promise<string>
    Object.assign(globalThis, { createdNotifications: created })
    chrome.notifications.create = ((id: string, options: chrome.notifications.NotificationCreateOptions) => {
      created.push({ id, title: options.title, message: options.message, contextMessage: options.contextMessage })
      return original(id, options)
    }) as typeof chrome.notifications.create
  })
}

export const panelOf = (page: Page) => page.locator('wizard-hot-reload-overlay').getByRole('dialog', { name: /Wizards/ })

/** The playground's dev server as the extension names it (its origin). */
export const serverOf = (playground: Playground) => new URL(playground.url).origin
