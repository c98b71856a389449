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
  rolledBack: 'wizard-hot-reload:rolled-back',
  /** From one of the dev server's own pages: history, diff, rollback, undo, retry (over Vite's HMR socket; other pages are refused). */
  request: 'wizard-hot-reload:request',
  /** To that page: the answer to one request, by its `id`. */
  reply: 'wizard-hot-reload:reply',
} as const

export type WizardFailureKind = 'syntax' | 'import' | 'evaluate' | 'no-class' | 'register' | 'timeout' | 'config'

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
  /** What changed: the wizard's code (or a module it imports), or only its config file (the class registered again with the new config, no code evaluated). */
  reason: 'code' | 'config'
  /** True for a wizard that had no version registered before: a new file (terminal and toast say "added"). */
  added: boolean
  /** The config file the version was registered with, or null when the wizard has none. */
  configFile: string | null
  /** How the backend processes connected to the dev server did (absent when none is connected). */
  backends?: WizardBackendsOutcome
  /**
   * Selective reload (`instances: 'patch'`): the members defined onto the live class, which stays the
   * same object (running instances take the new code on their next call). Absent when the class was
   * replaced. `noCodeChange`: the save changed nothing executable (comments, formatting) — nothing was
   * registered and it does not count as a reload.
   */
  patched?: WizardPatchSummary
  /** Patch mode, but the class was replaced: why patching would not have been faithful (its sentences). */
  fallback?: string
  /** Epoch milliseconds. */
  timestamp: number
}

/** What a selective reload changed on the live class, by member name (`step2`, `get total`, `static create`). */
export interface WizardPatchSummary {
  changed: string[]
  added: string[]
  removed: string[]
  /** Comments or formatting only: nothing executable changed, nothing was registered. */
  noCodeChange?: boolean
}

/** One reload across the connected backend processes (`connectWizardHotReload`). */
export interface WizardBackendsOutcome {
  /** Backends asked. */
  total: number
  /** Backends that registered the new version. */
  ok: number
  /** Their load + register times, fastest and slowest (null when none succeeded). */
  minMs: number | null
  maxMs: number | null
  /** Backends where it failed (their previous version keeps serving there), or that did not answer in time. */
  failed: Array<{ name: string; error: WizardReloadError }>
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

export interface WizardRolledBackPayload {
  wizardId: string
  file: string
  /** The version registered again. */
  version: number
  /** True: the file on disk is newer; its next save unpins the wizard and reloads it. */
  pinned: boolean
  timestamp: number
}

/** One wizard as the overlay's badge and panel show it. */
export interface WizardSummary {
  wizardId: string
  file: string
  /** The version registered now, or null when none loaded yet. */
  version: number | null
  /** `failed`: its latest load failed (a previous version may still serve); `pinned`: rolled back. */
  state: 'ok' | 'failed' | 'pinned'
}

/**
 * A snapshot, not an event: every wizard whose latest load failed, as its `failed` event said it,
 * and every wizard known. A failure already shown (same `wizardId` and `timestamp`) is not new; a
 * wizard missing from `failures` is not failing any more.
 */
export interface WizardStatePayload {
  failures: WizardFailedPayload[]
  wizards: WizardSummary[]
}

/** How one reload attempt ended. */
export type WizardOutcome = 'loaded' | 'reloaded' | 'config' | 'failed' | 'removed' | 'rolled-back'

/** One entry of a wizard's reload history (metadata only: no class, no source). */
export interface WizardHistoryEntry {
  /** 1, 2, 3 … per wizard: every attempt counts, failed ones too. */
  attempt: number
  /** The version this attempt registered (or rolled back to); null for failures and removals. */
  version: number | null
  outcome: WizardOutcome
  /** Epoch milliseconds. */
  timestamp: number
  kind?: WizardFailureKind
  message?: string
  durationMs: number
  phases?: ReloadPhases
  file: string
  /** sha256 of the source the attempt loaded (12 hex digits), or null when there was none. */
  sourceHash: string | null
  /** The config file this version was registered with (null: none). */
  configFile: string | null
  /** sha256 of that config file's text (12 hex digits), or null. */
  configHash: string | null
  /** The class (and source) is kept: this version can be rolled back to, and diffed. */
  kept: boolean
  /** Patch mode: what this attempt patched into the live class; or why it replaced the class instead. */
  patched?: WizardPatchSummary
  fallback?: string
}

/** One unified-diff hunk: lines start with ' ', '-' or '+'. */
export interface DiffHunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: string[]
}

/** A line diff between two kept versions (unified-diff hunks, 3 lines of context): their code, and their config files. */
export interface WizardDiff {
  wizardId: string
  from: number
  to: number
  hunks: DiffHunk[]
  /** The config files' diff (empty when both versions had the same config, or none). */
  config: { from: string | null; to: string | null; hunks: DiffHunk[] }
}

/**
 * What a rollback, an undo or a retry did — one shape for the three, in the Node API and the CLI:
 * the version registered now and whether it is pinned (the file on disk is newer), or why nothing
 * changed (`version`: the one still registered, if any).
 */
export type WizardActionResult = ({ ok: true } & WizardActionDone) | { ok: false; wizardId: string; version: number | null; error: string }

/** A rollback, undo or retry that happened (a page's request resolves with this; a refusal is an error reply). */
export interface WizardActionDone {
  wizardId: string
  version: number
  pinned: boolean
}

/** Maps each HMR event name to its payload; the source of Vite's `CustomEventMap` augmentation. */
export interface WizardEventMap {
  'wizard-hot-reload:reloaded': WizardReloadedPayload
  'wizard-hot-reload:failed': WizardFailedPayload
  'wizard-hot-reload:removed': WizardRemovedPayload
  'wizard-hot-reload:state': WizardStatePayload
  'wizard-hot-reload:rolled-back': WizardRolledBackPayload
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
  /** Extra: `config` when only the wizard's config file changed. */
  reason: 'code' | 'config'
  /** Extra, with backend processes connected: how many registered it, and which did not. */
  backends?: { ok: number; total: number; failed: string[] }
  /** Extra, patch mode: the members patched into the live class (`noCodeChange`: nothing executable changed). */
  patched?: WizardPatchSummary
  /** Extra, patch mode: why the class was replaced instead. */
  fallback?: string
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
export interface ReferenceRolledBackMessage {
  event: 'wizard_rolled_back'
  wizard_id: string
  version: number
  /** Extra: the file on disk is newer (the next save reloads it). */
  pinned: boolean
}
export interface ReferencePongMessage {
  event: 'pong'
}
export type ReferenceMessage =
  ReferenceConnectedMessage | ReferenceReloadedMessage | ReferenceFailedMessage | ReferenceRemovedMessage | ReferenceRolledBackMessage | ReferencePongMessage

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
  /** The code frame at that location (plain text), when there is one — in a config file for a config failure. */
  last_error_frame: string | null
  /** Phase timings of the last successful reload (or initial load). */
  last_phases: ReloadPhases | null
  /** Patch mode: what the last reload patched into the live class, or null (replaced, or not in patch mode). */
  last_patch: WizardPatchSummary | null
  /** Patch mode: why the last reload replaced the class instead of patching it, or null. */
  last_fallback: string | null
  /**
   * Versions of this wizard still in memory after the last full garbage collection: the registered
   * one plus replaced ones something still holds (a timer or listener from module top level, say).
   * Null until a full GC was seen.
   */
  live_versions: number | null
  /** Rolled back to this version (the file on disk is newer), or null. */
  pinned_version: number | null
  /** The config file the registered version got (`context.config`), or null when it has none. */
  config_file: string | null
  /** sha256 of that config file's text (12 hex digits), or null. */
  config_hash: string | null
  /** The last `history` reload attempts, oldest first (metadata only). */
  history: WizardHistoryEntry[]
}
/** A connected backend process, in the status endpoint. */
export interface BackendStatusEntry {
  name: string
  pid: number
  /** The machine it runs on (its hostname) and where it connected from. */
  hostname: string
  address: string | null
  connected_since: string
  /** Per wizard: the backend's own version registered, and how its last load there went. */
  wizards: Record<string, { version: number | null; ok: boolean; error: string | null; at: string }>
}

/** A browser extension paired with this project's dev server (its pairings survive restarts), in the status endpoint. */
export interface ExtensionStatusEntry {
  /** `chrome-extension://…` or `moz-extension://…`. */
  origin: string
  paired_at: string
  /** What the extension said it runs in. */
  browser: string
  connected: boolean
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
      /** The `registry` module, and how many evaluated instances of it (in module runners of this process) it keeps complete now; null without the option. */
      registry: { file: string; instances: number } | null
      /** Backend processes connected now (`connectWizardHotReload`), and runtimes elsewhere whose registry connected back (Nitro's worker). */
      backends: BackendStatusEntry[]
      /** Browser extensions paired with this project, and whether each is connected now (empty when the extension endpoint is off). */
      extensions: ExtensionStatusEntry[]
    }
