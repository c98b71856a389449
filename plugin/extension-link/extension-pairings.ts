import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Next to the backend token, in the folder the plugin keeps Vite from serving (plugin-instance.ts). */
export const PAIRINGS_FILE = 'wizard-hot-reload/extension-pairings.json'
/** Pairings kept per project; pairing past this forgets the oldest. */
const MAX_PAIRINGS = 32

export interface ExtensionPairing {
  id: string
  /** The secret both sides prove they hold (derived from the offer's code at pairing; never sent). */
  secret: string
  /** The extension's origin: a connection with this pairing's id from any other origin is refused. */
  origin: string
  pairedAt: string
  /** What the extension said it runs in, for the status. */
  browser: string
}

/**
 * The extensions paired with this project's dev server, in a file under Vite's cache folder (mode
 * 0600, never served) so they reconnect after a restart. Read afresh for every connection: deleting
 * the file unpairs every extension, without a restart.
 */
export class ExtensionPairings {
  readonly file: string

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, PAIRINGS_FILE)
  }

  list(): ExtensionPairing[] {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { pairings?: unknown }
      return Array.isArray(parsed.pairings) ? parsed.pairings.filter(isPairing) : []
    } catch {
      return [] // none yet, or unreadable: nothing is paired
    }
  }

  /** The pairing with this id, when it belongs to this extension origin. */
  find(id: string, origin: string): ExtensionPairing | undefined {
    return this.list().find((pairing) => pairing.id === id && pairing.origin === origin)
  }

  add(origin: string, secret: string, browser: string): ExtensionPairing {
    const pairing: ExtensionPairing = { id: randomBytes(16).toString('hex'), secret, origin, pairedAt: new Date().toISOString(), browser }
    this.write([...this.list(), pairing].slice(-MAX_PAIRINGS))
    return pairing
  }

  remove(id: string): void {
    const pairings = this.list()
    const kept = pairings.filter((pairing) => pairing.id !== id)
    if (kept.length !== pairings.length) this.write(kept)
  }

  /** Written aside and renamed into place: a reader sees the old file or the new one, whole. */
  private write(pairings: ExtensionPairing[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const draft = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}`
    try {
      fs.writeFileSync(draft, `${JSON.stringify({ version: 1, pairings }, null, 2)}\n`, { mode: 0o600 })
      fs.renameSync(draft, this.file)
    } finally {
      fs.rmSync(draft, { force: true })
    }
  }
}

function isPairing(value: unknown): value is ExtensionPairing {
  const pairing = value as Partial<ExtensionPairing> | null
  return typeof pairing?.id === 'string' && typeof pairing.secret === 'string' && typeof pairing.origin === 'string' && typeof pairing.pairedAt === 'string'
}
