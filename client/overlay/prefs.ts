import type { OverlayPosition } from './position.ts'

/** What the overlay remembers per origin. */
export interface OverlayPrefs {
  open: boolean
  /** Where the badge and panel sit (the `overlay.position` option until moved). */
  position?: OverlayPosition
  /** Raise a system notification for failures while the tab is hidden. */
  notify: boolean
  /** … and for successes too. */
  notifySuccess: boolean
}

const KEY = 'wizard-hot-reload:overlay'
const DEFAULTS: OverlayPrefs = { open: false, notify: false, notifySuccess: false }

const POSITIONS = new Set(['top-right', 'top-left', 'bottom-right', 'bottom-left'])

export function loadPrefs(): OverlayPrefs {
  let stored: Partial<Record<keyof OverlayPrefs, unknown>>
  try {
    stored = (JSON.parse(localStorage.getItem(KEY) ?? '{}') ?? {}) as typeof stored
  } catch {
    return { ...DEFAULTS } // storage blocked (privacy mode, sandboxed frame) or unreadable
  }
  // Only what this version understands: an edited or older entry cannot misplace the overlay.
  return {
    open: stored.open === true,
    ...(typeof stored.position === 'string' && POSITIONS.has(stored.position) ? { position: stored.position as OverlayPosition } : {}),
    notify: stored.notify === true,
    notifySuccess: stored.notifySuccess === true,
  }
}

export function savePrefs(prefs: OverlayPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // not persisted; the overlay works the same
  }
}
