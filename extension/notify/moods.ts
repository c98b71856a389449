import type { WizardFailedPayload, WizardReloadedPayload } from '../../client/protocol.ts'
import type { StoreEvent } from '../../client/wizard-store.ts'

/** What a notification is about: failing, fine, or reloaded here while a backend process refused it. */
export type Mood = 'failed' | 'ok' | 'backend-failed'

/** A wizard whose mood changed, with what to say about it. */
export type MoodChange =
  | { wizardId: string; from: Mood | undefined; to: 'failed'; failure: WizardFailedPayload }
  | { wizardId: string; from: Mood | undefined; to: 'backend-failed'; reloaded: WizardReloadedPayload }
  | { wizardId: string; from: Mood | undefined; to: 'ok'; version: number | null; how: 'reloaded' | 'rolled back' | 'fine again' }

/**
 * Each wizard's mood after an event, and the changes worth a notification: into `failed` or
 * `backend-failed` from anything else, and back to `ok` from either. A first sight of a wizard that is
 * fine is no news; the snapshot after a reconnect tells only what changed meanwhile (`known` is kept
 * across service-worker restarts), so a dev server restarting with the same failure says nothing again.
 */
export function moodChanges(known: Readonly<Record<string, Mood>>, event: StoreEvent): { next: Record<string, Mood>; changes: MoodChange[] } {
  const next = { ...known }
  const changes: MoodChange[] = []
  const set = (change: MoodChange) => {
    const from = known[change.wizardId]
    next[change.wizardId] = change.to
    if (from === change.to || (from === undefined && change.to === 'ok')) return
    changes.push({ ...change, from })
  }
  const { type, payload } = event
  if (type === 'failed') set({ wizardId: payload.wizardId, from: undefined, to: 'failed', failure: payload })
  else if (type === 'reloaded') {
    const { wizardId, version } = payload
    if (payload.backends?.failed.length) set({ wizardId, from: undefined, to: 'backend-failed', reloaded: payload })
    else set({ wizardId, from: undefined, to: 'ok', version, how: 'reloaded' })
  } else if (type === 'rolled-back') set({ wizardId: payload.wizardId, from: undefined, to: 'ok', version: payload.version, how: 'rolled back' })
  else if (type === 'removed') delete next[payload.wizardId]
  else {
    const failures = new Map(payload.failures.map((failure) => [failure.wizardId, failure]))
    const present = new Set([...payload.wizards.map((summary) => summary.wizardId), ...failures.keys()])
    for (const wizardId of Object.keys(next)) if (!present.has(wizardId)) delete next[wizardId]
    for (const summary of payload.wizards) {
      const failure = failures.get(summary.wizardId)
      if (failure) set({ wizardId: summary.wizardId, from: undefined, to: 'failed', failure })
      // A snapshot does not say how backends did: a backend failure stands until the next reload says otherwise.
      else if (known[summary.wizardId] !== 'backend-failed')
        set({ wizardId: summary.wizardId, from: undefined, to: 'ok', version: summary.version, how: 'fine again' })
    }
  }
  return { next, changes }
}

/**
 * Folds a wizard's later change into its earlier one (a burst): what it was before the first and what
 * it is after the last. A wizard that ends where it began is dropped — a failure fixed within the burst
 * is no news.
 */
export function foldChanges(earlier: MoodChange[], later: MoodChange[]): MoodChange[] {
  const byWizard = new Map(earlier.map((change) => [change.wizardId, change]))
  for (const change of later) {
    const first = byWizard.get(change.wizardId)
    byWizard.set(change.wizardId, { ...change, from: first ? first.from : change.from })
  }
  return [...byWizard.values()].filter((change) => change.from !== change.to && !(change.from === undefined && change.to === 'ok'))
}
