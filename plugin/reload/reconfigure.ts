import { readSignature } from '../files/file-signature.ts'
import { readText } from '../files/read-text.ts'
import type { ReloadResult, WizardClass } from '../types.ts'
import { configChangedSince, EMPTY_FILE_GRACE_MS, noteConfigRead, phasesOf, type AttemptOptions } from './outcome.ts'
import type { EngineParts } from './engine-parts.ts'
import { reportOutcome } from './report-outcome.ts'
import { NO_PHASES, type WizardVersion } from './wizard-version.ts'

/**
 * The wizard's config file changed (or appeared, or went away): registers the current
 * class again with the new config — no code is evaluated; transactional like any reload. `code`:
 * its code on disk differs from what is registered (saved in the same burst, or never loaded),
 * so a full reload is what to do. Undefined: the config changed while it was read; call again.
 * To be called under the wizard's lock.
 */
export async function reconfigureNow<C extends WizardClass>(
  engine: EngineParts,
  wizardId: string,
  options: AttemptOptions = {},
): Promise<ReloadResult<C> | 'code' | 'unchanged' | undefined> {
  const record = engine.state.get(wizardId)
  const current = record?.current
  if (!record || !current || readText(record.file) !== current.source) return 'code'
  const started = performance.now()
  const read = record.lastAttempt ?? { source: current.source, signature: readSignature(current.file), startedAt: started }
  const configured = await engine.loadConfig(wizardId, current.file, current.wizardClass)
  if (engine.disposed) return reportOutcome(engine, wizardId, current.file, read, current, false, { type: 'cancelled' }, started)
  // A config caught between a shell redirect's truncate and its write reads empty: give the write time to land.
  const readAs = configured.source
  const configPath = configured.ok ? configured.config?.file : configured.file
  if (
    !options.lastAttempt &&
    configPath &&
    readAs !== undefined &&
    readAs.trim() === '' &&
    (await engine.changesWithin(configPath, readAs, EMPTY_FILE_GRACE_MS))
  )
    return undefined
  noteConfigRead(engine, configured)
  if (!configured.ok) {
    if (!options.lastAttempt && configChangedSince(configured)) return undefined
    return reportOutcome(engine, wizardId, current.file, read, current, false, { type: 'failed', failure: configured.failure }, started)
  }
  if (record.lastError === null && configured.config?.file === current.config?.file && configured.config?.hash === current.config?.hash) return 'unchanged'

  const { version, controller, context } = engine.transactions.prepare(wizardId, {
    file: current.file,
    previous: current.wizardClass,
    config: configured.value,
  })
  // The same class and module instances: nothing is evaluated, so nothing of the code is disposed.
  const { patch: _patch, fallback: _fallback, ...same } = current // (a config reload patches nothing)
  const candidate: WizardVersion = { ...same, version, context, controller, config: configured.config, phases: NO_PHASES }
  const registerStarted = performance.now()
  const committed = await engine.transactions.commit(candidate, current)
  if (engine.disposed) return reportOutcome(engine, wizardId, current.file, read, current, false, { type: 'cancelled' }, started)
  const report = (outcome: Parameters<typeof reportOutcome<C>>[6]) => reportOutcome<C>(engine, wizardId, current.file, read, current, false, outcome, started)
  if (!committed.ok) return report({ type: 'failed', failure: engine.refusalFailure(wizardId, committed.refusal, true) })
  candidate.phases = phasesOf({
    eventAt: options.eventAt,
    started,
    loadMs: registerStarted - started,
    registerMs: committed.registerMs,
    disposeMs: committed.disposeMs,
  })
  return report({ type: 'reloaded', version: candidate, reason: 'config', configSource: configured.source })
}
