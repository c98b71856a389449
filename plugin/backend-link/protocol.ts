import type { WizardFailureKind } from '../../client/protocol.ts'
import type { WizardReply } from '../../client/wire.ts'

/**
 * The wire protocol between the dev server and backend processes (`connectWizardHotReload`): JSON
 * text frames on one WebSocket per backend. Module code travels through `invoke` (the module
 * runner's transport); everything else is the dev server telling each backend what to load, and
 * the backend telling how it went. One source of truth for both ends.
 */
export const BACKEND_PROTOCOL_VERSION = 2
/**
 * The backend's random challenge, sent as a header on the upgrade request. Neither side ever sends
 * the token: the dev server proves it holds it first (`challenge`), then the backend (`hello`) —
 * so a process that took the dev server's port while it was down learns nothing and runs nothing.
 */
export const BACKEND_NONCE_HEADER = 'x-wizard-hot-reload-nonce'
/** Served on the dev server's own HTTP server, next to Vite's HMR socket. */
export const BACKEND_PATH = '/@wizard-hot-reload/backend'
/** Where the per-project secret is kept, under Vite's cache folder (`node_modules/.vite` by default). */
export const TOKEN_FILE = 'wizard-hot-reload/backend-token'
export const TOKEN_ENV = 'WIZARD_HOT_RELOAD_TOKEN'

/** A wizard's config file as the dev server found it: backends parse and validate it against their class. */
export interface WireConfig {
  file: string
  text: string
}

/** One wizard as the dev server has it registered. */
export interface WireWizard {
  wizardId: string
  file: string
  /** The dev server's version number (what rollbacks refer to). */
  version: number
  /** Changes whenever a file of its import closure does: a backend with the same one is up to date. */
  closureHash: string
  /** The wizard's file and every file it imports, with a hash of each one's content: a backend evaluates afresh those it has not seen so. */
  closure: Array<{ file: string; hash: string }>
  config: WireConfig | null
  /** Where its config was looked for, for messages. */
  configDescribed: string
  /** Rolled back on the dev server (its file on disk is newer): a backend that has this version keeps it. */
  pinned: boolean
  /** What to import for this version, when it is not the file as on disk (a pinned version's kept source: `file?wizard-hot-reload-version=N`). */
  url?: string
}

export interface WireOptions {
  root: string
  registerTimeout: number
  loadTimeout: number
  history: number
  /** How reloads reach running instances unless a class says otherwise (the dev server's `instances` option). */
  instances?: 'patch' | 'replace'
}

export type ServerMessage =
  /** The first frame: the dev server's nonce and its proof of the token over both nonces. */
  | {
      type: 'challenge'
      protocol: number
      nonce: string
      proof: string
      /** how often the dev server pings (the backend drops a silent one) */ heartbeatMs: number
    }
  | {
      type: 'welcome'
      protocol: number
      /** Changes when the dev server restarts (its version numbers start again). */
      session: string
      options: WireOptions
      /** Every wizard registered on the dev server. */
      wizards: WireWizard[]
      /** Wizards the dev server knows but has no version of (their load failed there): a backend keeps what it has. */
      failing: string[]
      /** False when the dev server did not load every wizard at start (`initialLoad: false`): a backend removes nothing it does not hear of. */
      complete: boolean
    }
  | { type: 'load'; seq: number; wizard: WireWizard }
  /** The wizard's config changed: the same class again with it — or a full load when the backend's code is not the dev server's. */
  | { type: 'reconfigure'; seq: number; wizard: WireWizard }
  | { type: 'remove'; seq: number; wizardId: string }
  | { type: 'rollback'; seq: number; wizardId: string; version: number }
  /** The answer to a control client's question. */
  | { type: 'answer'; reply: WizardReply }
  /** The answer to an `invoke` (the module runner's `fetchModule`, `getBuiltins`). */
  | { type: 'invoked'; id: number; result: { result: unknown } | { error: unknown } }

/** What a backend's load threw, for the dev server to classify (it has the sources for code frames). */
export interface RemoteError {
  kind: WizardFailureKind
  message: string
  /** Set when `message` is a thrown value's, not a finished sentence: the dev server classifies it. */
  thrown?: {
    name?: string
    message: string
    stack?: string
    code?: string
    isError: boolean
    /** Vite's error fields (loc, frame, plugin, id, errors), JSON-safe */ props?: Record<string, unknown>
  }
  loc?: { file: string; line: number; column: number }
  frame?: string
}

export interface WireOutcome {
  wizardId: string
  ok: boolean
  /** The backend's own version number now registered (null: none). */
  version: number | null
  durationMs: number
  error?: RemoteError
}

export type BackendMessage =
  | {
      type: 'hello'
      protocol: number
      proof: string
      name: string
      pid: number
      hostname: string
      node: string
      wizards: Record<string, { closureHash: string; configHash: string | null }>
      /** `control`: not a backend but a client asking what the page's panel asks (the CLI); the hub never hears of it. */
      role?: 'control'
    }
  /** A control client's question: a page request (history, diff, rollback, undo, retry) or `{ id, type: 'status' }`. */
  | { type: 'control'; request: unknown }
  | { type: 'synced'; outcomes: WireOutcome[] }
  | { type: 'outcome'; seq: number; outcome: WireOutcome }
  | { type: 'invoke'; id: number; name: string; data: unknown[] }
