import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { apiRun, expect, test } from './fixtures.ts'

/**
 * Issue #22, in a real Chromium: a page served by another local server (another 127.0.0.1 port)
 * tries exactly what the issue describes — read Vite's token from `/@vite/client` (Vite's default
 * `server.cors` lets it), open the HMR socket with protocol `vite-hmr`, send the panel's requests,
 * read the status endpoint — and gets nothing; the app's own page, and its panel, still can.
 */
const ORIGINAL = 'Hello from the greeting wizard'

const REQUESTS = [
  { type: 'rollback', wizardId: 'greeting', version: 1 },
  { type: 'undo', wizardId: 'greeting' },
  { type: 'retry', wizardId: 'greeting' },
  { type: 'diff', wizardId: 'greeting', from: 1, to: 2 },
  { type: 'history', wizardId: 'greeting' },
  // (Issue #21: a pairing offer would let the page pair a browser extension of its choosing.)
  { type: 'extension-offer' },
]

interface Outcome {
  tokenRead: boolean
  opened: boolean
  /** The plugin's events this socket received (the state snapshot its `ready` asks for, above all). */
  events: string[]
  replies: Array<{ id: string; ok: boolean; error?: string; result?: unknown }>
  status: string
}

/** Runs in the page (serialised: it uses only its argument). */
async function attack({ target, requests }: { target: string; requests: typeof REQUESTS }): Promise<Outcome> {
  const outcome: Outcome = { tokenRead: false, opened: false, events: [], replies: [], status: '' }
  const client = await (await fetch(new URL('/@vite/client', target))).text()
  const token = /wsToken = "([^"]+)"/.exec(client)?.[1]
  outcome.tokenRead = Boolean(token)
  const socket = new WebSocket(`ws://${new URL(target).host}/?token=${token}`, 'vite-hmr')
  const replies = new Map<string, Outcome['replies'][number]>()
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { type: string; event?: string; data?: Outcome['replies'][number] }
    if (message.type === 'custom' && message.event === 'wizard-hot-reload:reply' && message.data) replies.set(message.data.id, message.data)
    else if (message.type === 'custom' && message.event?.startsWith('wizard-hot-reload:')) outcome.events.push(message.event)
  }
  await new Promise((resolve, reject) => {
    socket.onopen = resolve
    socket.onerror = reject
  })
  outcome.opened = true
  // What the overlay sends first: the server answers an own page with the state (failures, frames, paths).
  socket.send(JSON.stringify({ type: 'custom', event: 'wizard-hot-reload:ready', data: {} }))
  requests.forEach((request, i) => socket.send(JSON.stringify({ type: 'custom', event: 'wizard-hot-reload:request', data: { id: `a${i}`, ...request } })))
  // Sequential on the server (one wizard's queue): waiting for every reply, not a fixed time.
  for (let waited = 0; replies.size < requests.length && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
  outcome.replies = requests.map((_, i) => replies.get(`a${i}`) ?? { id: `a${i}`, ok: false, error: 'no reply' })
  socket.close()
  try {
    const response = await fetch(new URL('/api/hot-reload/status', target))
    outcome.status = `read ${response.status}: ${(await response.text()).slice(0, 60)}`
  } catch (error) {
    outcome.status = `blocked: ${(error as Error).message}`
  }
  return outcome
}

/** Another app on this machine: a plain HTTP server on its own 127.0.0.1 port. */
async function elsewhere(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.end('<!doctype html><title>another app</title><p>another app on this machine</p>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

const panel = (page: Page) => page.locator('wizard-hot-reload-overlay').getByRole('dialog', { name: /Wizards/ })

const TITLE = "a page on another 127.0.0.1 port cannot roll back, undo, retry, diff, read history or the status; the app's own page can"

test(TITLE, async ({ page, playground }) => {
  await playground.open(page)
  playground.edit('wizards/greeting_wizard.ts', (code) => code.replace(/return '[^']*'/, "return 'Hello v2'"))
  await expect(page.getByTestId('output-greeting')).toHaveText('Hello v2')

  const other = await elsewhere()
  try {
    const foreign = await page.context().newPage()
    await foreign.goto(other.url)
    const outcome = await foreign.evaluate(attack, { target: playground.url, requests: REQUESTS })
    // It got as far as the issue says (token read, socket open: Vite's own rules let it), and no further.
    expect(outcome.tokenRead).toBe(true)
    expect(outcome.opened).toBe(true)
    for (const reply of outcome.replies) {
      const refusal = `refused: a page on ${other.url.replace(/\/$/, '')} is not one of this dev server's own pages`
      expect(reply).toEqual({ id: reply.id, ok: false, error: expect.stringContaining(refusal) })
    }
    expect(outcome.status).toMatch(/^blocked: /)
    expect(outcome.events).toEqual([])
    await foreign.close()
  } finally {
    await other.close()
  }
  expect((await apiRun(playground, 'greeting')).output).toBe('Hello v2')
  const logs = () => playground.logs.join('\n').replace(/\x1b\[[\d;]*m/g, '')
  expect(logs()).toContain(`a page on ${other.url.replace(/\/$/, '')} is connected to Vite's HMR socket but is not one of the dev server's own pages`)
  expect(logs()).not.toContain('rolled back')

  // The same script from the app's own page: every request answered, the status readable.
  const own = await page.evaluate(attack, { target: playground.url, requests: REQUESTS })
  expect(own.replies.map((reply) => [reply.ok, reply.error ?? null])).toEqual(REQUESTS.map(() => [true, null]))
  expect(own.status).toMatch(/^read 200: /)
  expect(own.events).toContain('wizard-hot-reload:state')
  await expect.poll(() => logs()).toContain('greeting rolled back to v1')

  // And the overlay's panel, which sends the same requests through the client helper.
  await page.keyboard.press('Alt+Shift+W')
  await panel(page).locator('.wizard[data-wizard-id="greeting"]').click()
  await expect(panel(page).locator('.timeline .entry').first()).toBeVisible()
  await panel(page).getByRole('button', { name: 'Roll back to v1' }).first().click()
  await expect(panel(page).locator('.notice')).toHaveText('greeting rolled back to v1')
  await expect.poll(async () => (await apiRun(playground, 'greeting')).output).toBe(ORIGINAL)
})
