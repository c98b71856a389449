import { parseKeptVersionUrl } from '../shared/kept-version-url.ts'
import type { ReloadHistory } from './history.ts'
import type { WizardStateStore } from './wizard-state.ts'

/**
 * The kept source of a wizard version asked for as `<file>?wizard-hot-reload-version=N`: the
 * version registered now (when it is N: a backend gets what the dev server serves, not a newer or
 * broken file), else the history's. Undefined for any other id.
 */
export function keptSourceOf(id: string, state: WizardStateStore, history: ReloadHistory): string | undefined {
  const asked = parseKeptVersionUrl(id)
  if (!asked) return undefined
  const wizardId = state.idOfFile(asked.file)
  if (wizardId === undefined) return undefined
  const current = state.get(wizardId)?.current
  return current?.version === asked.version ? current.source : history.kept(wizardId, asked.version)?.source
}
