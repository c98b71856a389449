import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

/** Next to the backend token (a folder Vite never serves): where the running dev server of this project listens. */
export const DISCOVERY_FILE = 'wizard-hot-reload/server.json'

export interface ServerDiscovery {
  /** The dev server's URL, reachable from this machine (`http://127.0.0.1:5173`). */
  url: string
  pid: number
  startedAt: string
}

/** The URL to reach a listening server at from this machine: a wildcard address becomes loopback. */
export function localUrlOf(address: AddressInfo | string | null, https: boolean): string | undefined {
  if (!address || typeof address === 'string') return undefined
  const wildcard = address.address === '::' || address.address === '0.0.0.0' || address.address === ''
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address
  return `${https ? 'https' : 'http'}://${host}:${address.port}`
}

/** Records where this dev server listens (replacing whatever an earlier one wrote). Never throws. */
export function writeDiscovery(cacheDir: string, url: string): void {
  const file = path.join(cacheDir, DISCOVERY_FILE)
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const draft = `${file}.${process.pid}`
    fs.writeFileSync(draft, `${JSON.stringify({ url, pid: process.pid, startedAt: new Date().toISOString() } satisfies ServerDiscovery)}\n`, { mode: 0o600 })
    fs.renameSync(draft, file)
  } catch {
    // a read-only cache folder: runtimes elsewhere and the CLI then need the URL given
  }
}

/** Removes the record if it is still this process's. */
export function clearDiscovery(cacheDir: string, url: string): void {
  const file = path.join(cacheDir, DISCOVERY_FILE)
  const found = readDiscoveryFile(file)
  if (found?.pid === process.pid && found.url === url) fs.rmSync(file, { force: true })
}

/** The record in `file`, when there is a readable one. */
export function readDiscoveryFile(file: string): ServerDiscovery | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ServerDiscovery>
    if (typeof parsed.url === 'string' && typeof parsed.pid === 'number') return { url: parsed.url, pid: parsed.pid, startedAt: String(parsed.startedAt ?? '') }
  } catch {
    // none, or half-written
  }
  return undefined
}

/** Keeps the discovery file naming where `httpServer` listens (once it does); the returned function forgets it. */
export function recordWhereListening(
  httpServer: { once(event: 'listening', listener: () => void): unknown; off(event: 'listening', listener: () => void): unknown },
  cacheDir: string,
  https: boolean,
): () => void {
  let url: string | undefined
  const record = () => {
    url = localUrlOf((httpServer as { address?: () => AddressInfo | string | null }).address?.() ?? null, https)
    if (url) writeDiscovery(cacheDir, url)
  }
  if ((httpServer as { listening?: boolean }).listening) record()
  else httpServer.once('listening', record)
  return () => {
    httpServer.off('listening', record)
    if (url) clearDiscovery(cacheDir, url)
  }
}
