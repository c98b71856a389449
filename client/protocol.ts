/**
 * The wire protocol, defined once. Imported by `plugin/` (Node) and `client/` (browser),
 * so it must stay free of imports and of anything platform-specific.
 */

/** Event names on Vite's HMR channel (`import.meta.hot.on(...)`). */
export const WIZARD_EVENTS = {
  reloaded: 'wizard-hot-reload:reloaded',
  failed: 'wizard-hot-reload:failed',
  removed: 'wizard-hot-reload:removed',
  /** Sent by a page when it is ready; the server answers that page with a `state` snapshot. */
  ready: 'wizard-hot-reload:ready',
  /** The current state (failures still present), sent to a page that said it is ready. Apply it idempotently. */
  state: 'wizard-hot-reload:state',
} as const

export type WizardFailureKind = 'syntax' | 'import' | 'evaluate' | 'no-class' | 'register' | 'timeout'

export interface WizardErrorLocation {
  /** Absolute path of the file the error points at. */
  file: string
  /** 1-based line. */
  line: number
  /** 1-based column. */
  column: number
}

export interface WizardReloadError {
  kind: WizardFailureKind
  /** Plain text, no terminal colour codes. */
  message: string
  /** Code frame around `loc` (plain text, `>` marks the error line). */
  frame?: string
  loc?: WizardErrorLocation
  stack?: string
}

/** Where the time of one reload went, in milliseconds. */
export interface ReloadPhases {
  /** The first file event → the reload starting (the debounce, mostly). */
  detectMs: number
  /** Invalidating, transforming and evaluating the modules. */
  loadMs: number
  /** The `register` call. */
  registerMs: number
  /** Disposing the replaced version (its `import.meta.hot.dispose` callbacks). */
  disposeMs: number
}

export interface WizardReloadedPayload {
  wizardId: string
  /** Absolute path of the wizard file. */
  file: string
  /** The version now registered: 1, 2, 3 … per wizard id (the initial load is 1). */
  version: number
  /** Successful hot reloads of this wizard since the server started. */
  reloadCount: number
  /** The reload itself, module invalidated → new class registered and the old one disposed, in milliseconds (the debounce not included). */
  durationMs: number
  phases: ReloadPhases
  /** Epoch milliseconds. */
  timestamp: number
}

export interface WizardFailedPayload {
  wizardId: string
  file: string
  timestamp: number
  error: WizardReloadError
  /** Extra: true when an earlier version of this wizard is still registered and serving. */
  keptPreviousVersion?: boolean
}

export interface WizardRemovedPayload {
  wizardId: string
  file: string
  timestamp: number
}

export interface WizardReadyPayload {
  /** Free text, only for debugging. */
  client?: string
}

/**
 * A snapshot, not an event: every wizard whose latest load failed, as its `failed` event said it.
 * A failure already shown (same `wizardId` and `timestamp`) is not new; a wizard missing from
 * `failures` is not failing any more.
 */
export interface WizardStatePayload {
  failures: WizardFailedPayload[]
}

/** Maps each HMR event name to its payload; the source of Vite's `CustomEventMap` augmentation. */
export interface WizardEventMap {
  'wizard-hot-reload:reloaded': WizardReloadedPayload
  'wizard-hot-reload:failed': WizardFailedPayload
  'wizard-hot-reload:removed': WizardRemovedPayload
  'wizard-hot-reload:ready': WizardReadyPayload
  'wizard-hot-reload:state': WizardStatePayload
}

/** The reference protocol on the plain WebSocket endpoint (JSON text frames): `ReferenceMessage`. */
export const REFERENCE_CONNECTED_MESSAGE = 'Hot-reload notifications enabled'

export interface ReferenceConnectedMessage {
  event: 'connected'
  message: string
  active_connections: number
}
export interface ReferenceReloadedMessage {
  event: 'wizard_reloaded'
  wizard_id: string
  success: true
  /** Successful hot reloads of all wizards since the server started (as in the reference). */
  reload_count: number
  /** Extra: successful hot reloads of this wizard. */
  wizard_reload_count: number
  /** Extra: milliseconds the reload took (invalidated → registered). */
  duration_ms: number
}
export interface ReferenceFailedMessage {
  event: 'wizard_reload_failed'
  wizard_id: string
  success: false
  error: string
  /** Extra: the failure kind. */
  kind: WizardFailureKind
}
export interface ReferenceRemovedMessage {
  event: 'wizard_removed'
  wizard_id: string
}
export interface ReferencePongMessage {
  event: 'pong'
}
export type ReferenceMessage =
  | ReferenceConnectedMessage
  | ReferenceReloadedMessage
  | ReferenceFailedMessage
  | ReferenceRemovedMessage
  | ReferencePongMessage

/** Status endpoint body. */
export interface WizardStatusEntry {
  file: string
  /** The version registered now (null before one registered). */
  version: number | null
  reload_count: number
  /** ISO time of the last successful load (initial or hot), or null. */
  last_reload: string | null
  /** Plain-text message of the current failure; null once the wizard loads again. */
  last_error: string | null
  /** Extra: kind and location of the current failure. */
  last_error_kind: WizardFailureKind | null
  last_error_loc: WizardErrorLocation | null
  /** Phase timings of the last successful reload (or initial load). */
  last_phases: ReloadPhases | null
  /**
   * Versions of this wizard still in memory after the last full garbage collection: the registered
   * one plus replaced ones something still holds (a timer or listener from module top level, say).
   * Null until a full GC was seen.
   */
  live_versions: number | null
}
export type HotReloadStatus =
  | { enabled: false }
  | {
      enabled: true
      running: boolean
      /** Absolute folders watched (also those that do not exist yet). */
      watch_dirs: string[]
      /** The effective per-file debounce. */
      delay_ms: number
      /** Poll interval when polling, else null. */
      polling_ms: number | null
      reload_count: number
      websocket_connections: number
      websocket_path: string | null
      /** The latest problem that is not a reload failure (a callback that threw, a watcher error), or null. */
      last_error: string | null
      last_error_at: string | null
      wizards: Record<string, WizardStatusEntry>
    }
