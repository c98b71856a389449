import fs from 'node:fs'
import net from 'node:net'
import WebSocket from 'ws'
import { DevServerProcess } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { shell } from '../../shell.ts'
import { manyWizards, wizardSource, writeCommand } from '../wizard-files.ts'

const MB = 1024 * 1024

interface Client {
  socket: WebSocket
  messages: Array<{ event: string }>
  closeCode?: number
}

async function connect(server: DevServerProcess): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws/hot-reload`)
  const client: Client = { socket, messages: [] }
  socket.on('message', (raw, isBinary) => {
    if (!isBinary) client.messages.push(JSON.parse(String(raw)) as { event: string })
  })
  socket.on('close', (code) => (client.closeCode = code))
  socket.on('error', () => {})
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  return client
}

let saved = 0
async function save(server: DevServerProcess): Promise<string> {
  const output = `v${++saved}`
  fs.writeFileSync(server.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', output))
  await server.waitFor('debug', output)
  return output
}

/** Raw frames a broken or hostile client might send, and the close code each must get. */
const garbage: Array<[string, Buffer, number | 'ignored']> = [
  ['invalid UTF-8 text', frame(0x1, Buffer.from([0xc3, 0x28]), true), 1007],
  ['a reserved opcode', frame(0x3, Buffer.from('x'), true), 1002],
  ['an unmasked frame', frame(0x1, Buffer.from('ping'), false), 1002],
  ['a frame over 64 KiB', frame(0x1, Buffer.alloc(70 * 1024, 0x61), true), 1009],
  ['a binary frame', frame(0x2, Buffer.from([1, 2, 3]), true), 'ignored'],
]

/** One WebSocket frame (FIN set), masked with a zero key when `masked`. */
function frame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const length = payload.length
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 127]), bigLength(length)])
  return Buffer.concat([header, masked ? Buffer.alloc(4) : Buffer.alloc(0), payload])
}

function bigLength(length: number): Buffer {
  const buffer = Buffer.alloc(8)
  buffer.writeBigUInt64BE(BigInt(length))
  return buffer
}

/** Opens a raw connection, upgrades it, sends `data`, and resolves with the close code the server sent (or 'ignored'). */
function sendRaw(server: DevServerProcess, data: Buffer): Promise<number | 'ignored'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let upgraded = false
    const timer = setTimeout(() => {
      socket.destroy()
      resolve('ignored')
    }, 1500)
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n')
        if (end < 0) return
        upgraded = true
        received = received.subarray(end + 4)
        socket.write(data)
      }
      // Skip the "connected" text frame; find a close frame (opcode 8) and read its code.
      for (let offset = 0; offset + 2 <= received.length;) {
        const opcode = received[offset] & 0x0f
        const length = received[offset + 1] & 0x7f
        if (length >= 126) break
        if (opcode === 0x8 && offset + 4 <= received.length) {
          clearTimeout(timer)
          socket.destroy()
          return resolve(received.readUInt16BE(offset + 2))
        }
        offset += 2 + length
      }
    })
    socket.write(
      `GET /ws/hot-reload HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
  })
}

export const floodCases: ReliabilityCase[] = [
  {
    name: 'churn: 1000 saves of one wizard in a row, each one registered',
    tries: 1000,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(_attempt, server) {
      await save(server!)
    },
  },
  {
    name: 'churn: heap after 1000 more reloads grows < 20 MB',
    tries: 1,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(_attempt, server) {
      for (let i = 0; i < 100; i++) await save(server!)
      // Two windows of 1000 reloads each: a leak grows in both; a one-off retention (V8's compile
      // caches, a socket buffer that happens to be live) shows in one only. The smaller growth counts.
      const growth: number[] = []
      for (let window = 0; window < 2; window++) {
        const before = await server!.settledHeap()
        for (let i = 0; i < 1000; i++) await save(server!)
        growth.push((await server!.settledHeap()) - before)
      }
      check(Math.min(...growth) < 20 * MB, `heap grew ${growth.map((bytes) => Math.round(bytes / MB)).join(' and ')} MB in two windows of 1000 reloads`)
    },
  },
  {
    name: 'churn: 300 wizards, each saved in 10 bursts from another process',
    tries: 10,
    setup: () => DevServerProcess.start(manyWizards(300, 'r0'), { plugin: { dirs: ['wizards'] } }),
    async run(attempt, server) {
      await shell(
        server!.root,
        Array.from({ length: 300 }, (_, i) => writeCommand(`wizards/w${i}_wizard.ts`, wizardSource(`W${i}Wizard`, `w${i} r${attempt}`))).join('\n'),
      )
      const expected = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`w${i}`, `w${i} r${attempt}`]))
      await until('all 300 registered', async () => (await server!.registry()).outputs, expected, 60_000)
    },
  },
  {
    name: 'flood: 500 WebSocket clients, every one told of a reload',
    tries: 1,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(_attempt, server) {
      const clients: Client[] = []
      for (let i = 0; i < 500; i += 50) clients.push(...(await Promise.all(Array.from({ length: 50 }, () => connect(server!)))))
      try {
        await until('500 connected', async () => (await server!.get<{ websocket_connections: number }>('/api/hot-reload/status')).websocket_connections, 500)
        await save(server!)
        await until('every client told', () => clients.filter((client) => client.messages.some((m) => m.event === 'wizard_reloaded')).length, 500)
      } finally {
        for (const client of clients) client.socket.terminate()
      }
    },
  },
  {
    name: 'flood: 5000 pings from one client; another client still gets its events',
    tries: 1,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(_attempt, server) {
      const [noisy, quiet] = await Promise.all([connect(server!), connect(server!)])
      try {
        for (let i = 0; i < 5000; i++) noisy.socket.send('ping')
        await until('5000 pongs', () => noisy.messages.filter((m) => m.event === 'pong').length, 5000)
        await save(server!)
        await until('the quiet client told', () => quiet.messages.some((m) => m.event === 'wizard_reloaded'), true)
      } finally {
        noisy.socket.terminate()
        quiet.socket.terminate()
      }
    },
  },
  {
    name: 'flood: garbage frames close that one connection (1007/1002/1009) or are ignored; others unaffected',
    tries: garbage.length,
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(attempt, server) {
      const [name, data, expected] = garbage[attempt - 1]
      const bystander = await connect(server!)
      try {
        const code = await sendRaw(server!, data)
        check(code === expected, `${name}: ${code}, expected ${expected}`)
        await save(server!)
        await until('the bystander told', () => bystander.messages.some((m) => m.event === 'wizard_reloaded'), true)
      } finally {
        bystander.socket.terminate()
      }
    },
  },
]
