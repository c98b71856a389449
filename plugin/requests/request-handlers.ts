import type { ExtensionOfferGrant } from '../../client/extension-wire.ts'
import type { WizardActionDone, WizardActionResult, WizardDiff, WizardHistoryEntry } from '../../client/protocol.ts'
import type { ReloadHistory } from '../reload/history.ts'
import { sourceDiff } from '../reload/source-diff.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'
import { RequestError, type RequestHandlers } from './page-requests.ts'

export interface RequestActions {
  state: WizardStateStore
  history: ReloadHistory
  rollback: (wizardId: string, version: number) => Promise<WizardActionResult>
  undo: (wizardId: string) => Promise<WizardActionResult>
  retry: (wizardId: string) => Promise<WizardActionResult>
  /** A one-time pairing offer for the browser extension; throws a RequestError saying why when the extension endpoint is off. */
  offerExtension: () => ExtensionOfferGrant
}

/** What the panel's requests (and the CLI's) do: the same validated path for both; a refusal is an error reply with its reason. */
export function requestHandlers(actions: RequestActions): RequestHandlers {
  return {
    history: async ({ wizardId }) => historyOf(actions, wizardId),
    diff: async ({ wizardId, from, to }) => diffOf(actions.history, wizardId, from, to),
    rollback: async ({ wizardId, version }) => done(await actions.rollback(wizardId, version)),
    undo: async ({ wizardId }) => done(await actions.undo(wizardId)),
    retry: async ({ wizardId }) => done(await actions.retry(wizardId)),
    'extension-offer': async () => actions.offerExtension(),
  }
}

/** A wizard's last reload attempts, oldest first (metadata only). */
export function historyOf({ state, history }: Pick<RequestActions, 'state' | 'history'>, wizardId: string): WizardHistoryEntry[] {
  if (!state.get(wizardId) && history.entries(wizardId).length === 0) throw new RequestError(`no wizard "${wizardId}"`)
  return history.entries(wizardId)
}

/** A line diff between two kept versions' sources (and config files). */
export function diffOf(history: ReloadHistory, wizardId: string, from: number, to: number): WizardDiff {
  const side = (version: number) => {
    const kept = history.kept(wizardId, version)
    if (!kept) throw new RequestError(`${wizardId} v${version} is not kept in the history`)
    if (kept.source === undefined) throw new RequestError(`the source of ${wizardId} v${version} is no longer kept (sources are capped in size)`)
    const configFile = kept.meta.config?.file
    return { version, source: kept.source, config: configFile && kept.configSource !== undefined ? { file: configFile, source: kept.configSource } : undefined }
  }
  return sourceDiff(wizardId, side(from), side(to))
}

function done(outcome: WizardActionResult): WizardActionDone {
  if (!outcome.ok) throw new RequestError(outcome.error)
  return { wizardId: outcome.wizardId, version: outcome.version, pinned: outcome.pinned }
}
