/** What the extension keeps of a pairing (chrome.storage.local: it survives browser restarts; no page can read it). */
export interface StoredPairing {
  server: string
  appUrl: string
  pairingId: string
  secret: string
  pairedAt: number
}

const KEY = 'pairings'

export async function loadPairings(): Promise<StoredPairing[]> {
  const stored = (await chrome.storage.local.get(KEY))[KEY] as unknown
  return Array.isArray(stored) ? (stored as StoredPairing[]).filter((pairing) => typeof pairing?.server === 'string' && typeof pairing.secret === 'string') : []
}

/** Adds a pairing (replacing the one for the same dev server). */
export async function savePairing(pairing: StoredPairing): Promise<void> {
  const others = (await loadPairings()).filter((existing) => existing.server !== pairing.server)
  await chrome.storage.local.set({ [KEY]: [...others, pairing] })
}

export async function removePairing(server: string): Promise<void> {
  await chrome.storage.local.set({ [KEY]: (await loadPairings()).filter((existing) => existing.server !== server) })
}
