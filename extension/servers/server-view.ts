import type { WizardErrorLocation, WizardFailureKind, WizardSummary } from '../../client/protocol.ts'
import type { WizardRow } from '../../client/wizard-store.ts'
import type { LinkStatus } from '../link/server-link.ts'

/** One wizard as the popup, the badge and the notifications see it (trimmed: no code frame, no stack). */
export interface WizardView extends WizardSummary {
  failure?: { kind: WizardFailureKind; message: string; loc?: WizardErrorLocation; keptPreviousVersion: boolean }
}

/** One paired dev server: where it is, how the link is, and its wizards as last heard (stale while not connected). */
export interface ServerView {
  /** Its origin, `http://localhost:5173`: the key of everything the extension keeps about it. */
  server: string
  /** The page to open for it (where it was paired), without a hash. */
  appUrl: string
  /** Its project folder's name and root, once the dev server said. */
  project: string | null
  root: string | null
  link: LinkStatus
  wizards: WizardView[]
}

/** Messages are capped where the extension keeps them (session storage): the panel has the whole failure. */
const MAX_MESSAGE = 500

export function wizardViewOf(row: WizardRow): WizardView {
  const view: WizardView = { wizardId: row.wizardId, file: row.file, version: row.version, state: row.state }
  if (row.failure) {
    const { kind, message, loc } = row.failure.error
    view.failure = { kind, message: message.slice(0, MAX_MESSAGE), loc, keptPreviousVersion: row.failure.keptPreviousVersion === true }
  }
  return view
}

/** `file:line` as the user reads it: relative to the project's root when inside it. */
export function whereOf(loc: WizardErrorLocation | undefined, file: string, root: string | null): string {
  const path = loc?.file ?? file
  const relative = root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path
  return loc ? `${relative}:${loc.line}` : relative
}

/** The dev server as the user names it: its project, else its host. */
export function labelOf(view: Pick<ServerView, 'server' | 'project'>): string {
  const host = new URL(view.server).host
  return view.project ? `${view.project} (${host})` : host
}
