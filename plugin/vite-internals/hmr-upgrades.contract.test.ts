import { afterEach, expect, test } from 'vitest'
import WebSocket from 'ws'
import type { WebSocketClient } from 'vite'
import { tempViteServers } from '../../test/temp-vite.ts'
import { HmrUpgrades } from './hmr-upgrades.ts'

/**
 * What HmrUpgrades relies on: Vite's ws server emits `'connection'` with the upgrade request, and
 * the client its custom-event listeners get carries the same raw socket. If Vite stops passing the
 * request, or wraps the socket differently, every page is refused (fail closed) — this says why.
 */
const sockets: WebSocket[] = []
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate()
})
const startVite = tempViteServers()

async function listening() {
  const { server } = await startVite({}, { server: { host: '127.0.0.1', port: 0 } })
  const upgrades = new HmrUpgrades(server.ws)
  await server.listen()
  const address = server.httpServer!.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  return { server, upgrades, port: address.port }
}

function open(port: number, token: string, headers: Record<string, string>): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?token=${token}`, 'vite-hmr', { headers })
  sockets.push(socket)
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

test("a custom event's client.socket is the socket Vite's 'connection' event came with, and that event carries the upgrade request", async () => {
  const { server, upgrades, port } = await listening()
  const seen: Array<{ data: unknown; client: WebSocketClient }> = []
  server.ws.on('contract:hello', (data: unknown, client: WebSocketClient) => void seen.push({ data, client }))
  const token = server.config.webSocketToken
  const page = await open(port, token, { origin: `http://127.0.0.1:${port}` })
  const other = await open(port, token, { origin: 'http://127.0.0.1:9' })
  page.send(JSON.stringify({ type: 'custom', event: 'contract:hello', data: 'page' }))
  other.send(JSON.stringify({ type: 'custom', event: 'contract:hello', data: 'other' }))
  await expect.poll(() => seen.length).toBe(2)
  const byData = new Map(seen.map(({ data, client }) => [data, client]))
  expect(upgrades.of(byData.get('page'))).toEqual({ origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` })
  expect(upgrades.of(byData.get('other'))).toEqual({ origin: 'http://127.0.0.1:9', host: `127.0.0.1:${port}` })
  // The listener's client wraps one of the server's own sockets (not a copy).
  expect([...server.ws.clients].map((client) => client.socket)).toContain(byData.get('page')!.socket)
})

test('a socket opened after dispose() is unknown (refused by whoever asks)', async () => {
  const { server, upgrades, port } = await listening()
  upgrades.dispose()
  const seen: WebSocketClient[] = []
  server.ws.on('contract:hello', (_data: unknown, client: WebSocketClient) => void seen.push(client))
  const socket = await open(port, server.config.webSocketToken, { origin: `http://127.0.0.1:${port}` })
  socket.send(JSON.stringify({ type: 'custom', event: 'contract:hello', data: 1 }))
  await expect.poll(() => seen.length).toBe(1)
  expect(upgrades.of(seen[0])).toBeUndefined()
  expect(upgrades.of(undefined)).toBeUndefined()
})
