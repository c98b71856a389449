import type { WizardClass } from '../types.ts'
import { invalidateIds } from '../vite-internals/module-graph.ts'
import { readSignature } from '../files/file-signature.ts'
import { readText } from '../files/read-text.ts'
import { keptVersionUrl } from '../shared/kept-version-url.ts'
import { findWizardClass } from './find-wizard-class.ts'
import { MAX_KEPT_CLASS_BYTES } from './history.ts'
import type { ModuleInstance } from './module-instances.ts'
import { phasesOf, roundMs, runnerIdOf } from './outcome.ts'
import type { EngineParts } from './engine-parts.ts'
import { instancesModeOf, patchStep } from './patch-step.ts'
import { patchFields } from './report-outcome.ts'
import type { RollbackOutcome } from './reloader-options.ts'
import { NO_PHASES, type WizardVersion } from './wizard-version.ts'

// Rollback and undo: a kept version registered again through the one version transaction.

/**
 * Registers a kept version's class again — transactionally: if `register` refuses, nothing
 * changes; otherwise the version being left is disposed after, as in any reload. The wizard is
 * then pinned (the file on disk is newer) until its next save. Never writes the user's files.
 */
export function rollbackTo(engine: EngineParts, wizardId: string, version: number): Promise<RollbackOutcome> {
  return engine.exclusive(wizardId, () => rollbackNow(engine, wizardId, version))
}

/** Rolls back to the version registered before the current one. */
export function undoLast(engine: EngineParts, wizardId: string): Promise<RollbackOutcome> {
  return engine.exclusive(wizardId, async () => {
    const current = engine.state.get(wizardId)?.current
    if (!current) return { ok: false, wizardId, version: null, error: `no wizard "${wizardId}" is registered` }
    const target = engine.history.registeredBefore(wizardId, current.version)
    if (target === undefined)
      return {
        ok: false,
        wizardId,
        version: current.version,
        error: `${wizardId}: there is no earlier version to go back to (history keeps ${engine.history.limit})`,
      }
    return rollbackNow(engine, wizardId, target)
  })
}

async function rollbackNow(engine: EngineParts, wizardId: string, target: number): Promise<RollbackOutcome> {
  const refused = (error: string): RollbackOutcome => ({ ok: false, wizardId, version: engine.state.get(wizardId)?.current?.version ?? null, error })
  if (engine.disposed) return refused('the dev server is closing')
  const record = engine.state.get(wizardId)
  const current = record?.current
  if (!record || !current) return refused(`no wizard "${wizardId}" is registered`)
  if (current.version === target) return refused(`${wizardId} v${target} is the version registered now`)
  const kept = engine.history.kept(wizardId, target)
  if (!kept) {
    const available = engine.history
      .entries(wizardId)
      .filter((entry) => entry.kept && entry.version !== null)
      .map((entry) => `v${entry.version}`)
    return refused(`${wizardId} v${target} is not kept in the history${available.length ? ` (kept: ${[...new Set(available)].join(', ')})` : ''}`)
  }
  const started = performance.now()
  // The kept class — or, once the history released it to bound memory, its kept source evaluated again.
  const again = kept.version ? undefined : await evaluateKept(engine, wizardId, kept.meta.file, target, kept.source)
  if (again && 'error' in again) return refused(again.error)
  // The class whose members that version ran: in patch mode they go back onto the live class.
  const members = kept.version?.members ?? again!.wizardClass
  const step = patchStep({ mode: instancesModeOf(members, engine.instancesMode), live: current.wizardClass, next: members, onlyItsCode: false })
  const loadMs = performance.now() - started
  // That version's own context: its number and the config it was registered with.
  const { controller, context } = engine.transactions.prepare(wizardId, {
    file: kept.meta.file,
    previous: current.wizardClass,
    config: kept.meta.configValue,
    number: target,
    patch: step.kind === 'patch' ? step.summary : undefined,
  })
  const candidate: WizardVersion = {
    wizardId,
    version: target,
    file: kept.meta.file,
    wizardClass: step.kind === 'patch' ? current.wizardClass : members,
    members,
    code: kept.version?.code,
    ...(step.kind === 'patch' ? { patch: step.summary } : {}),
    ...(step.kind === 'replace' && step.fallback ? { fallback: step.fallback } : {}),
    config: kept.meta.config,
    context,
    controller,
    instances: again?.instances ?? [],
    source: kept.source ?? kept.version?.source,
    phases: NO_PHASES,
  }
  const committed = await engine.transactions.commit(candidate, current, step.kind === 'patch' ? step.apply : undefined)
  if (engine.disposed) return refused('the dev server is closing')
  if (!committed.ok) {
    const why = engine.refusalFailure(wizardId, committed.refusal, true).message
    engine.advise(`${wizardId}: rollback to v${target} refused: ${why}; v${current.version} stays registered.`)
    return refused(`register refused the rollback to v${target}: ${why}`)
  }
  candidate.phases = phasesOf({ started, loadMs: again ? loadMs : 0, registerMs: committed.registerMs, disposeMs: committed.disposeMs })
  // Pinned only while the file on disk differs from that version (an undo back to what is on disk is not).
  const configOnDisk = engine.configOnDisk(candidate.file)
  const pinned = readText(candidate.file) !== candidate.source || configOnDisk !== (candidate.config?.hash ?? null)
  engine.state.recordSuccess(candidate, {
    countsAsReload: false,
    pinned: pinned ? { version: target, signature: readSignature(candidate.file), configOnDisk } : undefined,
  })
  engine.committed(wizardId, candidate)
  const timestamp = Date.now()
  engine.history.record(
    wizardId,
    {
      version: target,
      outcome: 'rolled-back',
      timestamp,
      durationMs: roundMs(performance.now() - started),
      phases: candidate.phases,
      file: candidate.file,
      source: candidate.source,
      config: candidate.config,
      configSource: kept.configSource,
      ...patchFields(candidate),
    },
    candidate,
  )
  engine.events.rolledBack?.({ wizardId, file: candidate.file, version: target, pinned, timestamp })
  return { ok: true, wizardId, version: target, pinned }
}

/**
 * A kept version whose class the history released: its kept source evaluated again, as
 * `<file>?wizard-hot-reload-version=N` (the plugin's load hook serves that source; the modules it
 * imports are the current ones). Only where the plugin serves such sources (not standalone).
 */
async function evaluateKept(
  engine: EngineParts,
  wizardId: string,
  file: string,
  version: number,
  source: string | undefined,
): Promise<{ wizardClass: WizardClass; instances: ModuleInstance[] } | { error: string }> {
  const released = `${wizardId} v${version}'s class was released to bound memory (the history keeps classes up to ${MAX_KEPT_CLASS_BYTES / 1024 / 1024} MB)`
  if (source === undefined) return { error: `${released}, and its source too: it cannot come back — save its code to the file instead` }
  if (!engine.evaluatesKeptSources) return { error: `${released}; evaluating its source again needs the plugin (the standalone reloader cannot)` }
  const url = keptVersionUrl(file, version)
  const before = engine.instances.snapshot()
  const loaded = await engine.load(url)
  const { all, fresh } = engine.instances.closure(file, before, runnerIdOf(url))
  if ('failure' in loaded) {
    invalidateIds(engine.environment, await engine.instances.discard(fresh))
    return { error: `${released}, and evaluating its source again failed: ${loaded.failure.message}` }
  }
  const found = findWizardClass(loaded.exports, engine.isWizardClass, [])
  if (!found.ok) {
    invalidateIds(engine.environment, await engine.instances.discard(fresh))
    return { error: `${released}, and its source evaluated again has no wizard class: ${found.message}` }
  }
  return { wizardClass: found.wizardClass, instances: all }
}
