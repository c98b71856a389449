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

export function loadPrefs(): OverlayPrefs {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<OverlayPrefs>) }
  } catch {
    return { ...DEFAULTS } // storage blocked (privacy mode, sandboxed frame) or unreadable
  }
}

export function savePrefs(prefs: OverlayPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // not persisted; the overlay works the same
  }
}
