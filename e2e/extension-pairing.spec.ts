import { BADGE, expect, panelOf, serverOf, test } from './extension-fixtures.ts'

/** Issue #21: pairing the browser extension with a dev server, from either end, and only that. */

test('pairing from the panel: the extension asks the user, keeps the pairing, connects, and the dev server lists it', async ({ extension, playground }) => {
  const page = await extension.pairFromPanel(playground)
  await expect.poll(() => extension.pairings()).toEqual([expect.objectContaining({ server: serverOf(playground), appUrl: playground.url })])
  await expect(panelOf(page)).toBeVisible()
  // Connected, nothing failing: no count on the badge.
  await expect.poll(() => extension.badge()).toEqual({ text: '', color: BADGE.success })
  const status = (await (await page.request.get(new URL('/api/hot-reload/status', playground.url).href)).json()) as {
    extensions: Array<{ origin: string; connected: boolean }>
  }
  // (The pairings file is per project cache folder, which every e2e playground shares: other tests' pairings are listed too, not connected.)
  expect(status.extensions.filter((entry) => entry.connected)).toEqual([
    expect.objectContaining({ origin: `chrome-extension://${extension.id}`, connected: true }),
  ])
})

test('pairing from the popup by URL: the extension opens the page, whose panel hands over the offer; no confirmation page', async ({
  extension,
  playground,
}) => {
  const popup = await extension.popup()
  await expect(popup.getByText('No dev server paired yet.')).toBeVisible()
  await popup.getByLabel('Pair a dev server by its URL').fill(playground.url)
  const opened = extension.context.waitForEvent('page', { predicate: (page) => page.url().startsWith(playground.url) })
  await popup.getByRole('button', { name: 'Pair', exact: true }).click()
  const app = await opened
  await expect(panelOf(app).locator('.extension-connect .notice')).toHaveText(`Connected: the extension follows ${new URL(playground.url).host}.`)
  // The deep link was read and removed.
  expect(new URL(app.url()).hash).toBe('')
  expect(extension.context.pages().some((page) => page.url().includes('/pairing/'))).toBe(false)
  await expect.poll(() => extension.pairings()).toEqual([expect.objectContaining({ server: serverOf(playground) })])
  // The popup lists it, live.
  await expect(popup.locator(`section.server[data-server="${serverOf(playground)}"]`)).toHaveAttribute('data-link', 'connected')
  await expect(popup.locator('li.wizard[data-wizard-id="greeting"]')).toContainText('ok')
})

test('an offer the user did not confirm is not used; an unpaired extension origin is refused on every endpoint', async ({ extension, playground }) => {
  const page = await extension.context.newPage()
  await playground.open(page)
  await page.keyboard.press('Alt+Shift+W')
  const confirming = extension.context.waitForEvent('page', { predicate: (opened) => opened.url().includes('/pairing/') })
  await panelOf(page).getByRole('button', { name: 'Connect the browser extension' }).click()
  const pairingPage = await confirming
  await expect(panelOf(page).locator('.extension-connect .notice')).toHaveText('Confirm in the tab the extension opened.')
  await pairingPage.getByRole('button', { name: 'Cancel' }).click()
  await expect(panelOf(page).locator('.extension-connect .notice')).toHaveText('Pairing cancelled in the extension.')
  expect(await extension.pairings()).toEqual([])
  // Connected to this dev server: none (the pairings file, shared by every e2e playground, may list other tests' pairings).
  const connected = async () =>
    (
      (await (await page.request.get(new URL('/api/hot-reload/status', playground.url).href)).json()) as { extensions: Array<{ connected: boolean }> }
    ).extensions.filter((entry) => entry.connected)
  expect(await connected()).toEqual([])

  // The extension's own origin, without a pairing: closed as "not paired" before any frame (no challenge, so
  // nothing to learn); the plain WebSocket endpoint refuses an extension origin outright (403: a failed handshake).
  const ws = (path: string) => new URL(path, playground.url.replace(/^http/, 'ws')).href
  const nonce = 'ab'.repeat(16)
  const notPaired = { opened: true, code: 4003, frames: 0 }
  expect(await extension.probe(ws(`/@wizard-hot-reload/extension?v=1&nonce=${nonce}&pairing=${'0'.repeat(32)}`))).toEqual(notPaired)
  expect(await extension.probe(ws(`/@wizard-hot-reload/extension?v=1&nonce=${nonce}&offer=${'1'.repeat(32)}`))).toEqual(notPaired)
  expect(await extension.probe(ws('/ws/hot-reload'))).toEqual({ opened: false, code: 1006, frames: 0 })
  // And a page of the app cannot use the extension's endpoint either (its origin is no extension's).
  const fromPage = await page.evaluate(
    (target) =>
      new Promise<{ opened: boolean; code: number }>((resolve) => {
        const socket = new WebSocket(target)
        let opened = false
        socket.onopen = () => (opened = true)
        socket.onclose = (event) => resolve({ opened, code: event.code })
      }),
    ws(`/@wizard-hot-reload/extension?v=1&nonce=${nonce}&pairing=${'0'.repeat(32)}`),
  )
  expect(fromPage).toEqual({ opened: false, code: 1006 })
  expect(await connected()).toEqual([])
})
