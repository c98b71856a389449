import path from 'node:path'
import { debug } from '../debug.ts'
import { displayPath } from '../errors/display-path.ts'
import { boundFailure } from '../errors/limits.ts'
import { readText } from '../files/read-text.ts'
import { hasWizardSuffix, isBaseClassName } from '../files/wizard-files.ts'
import type { WizardPatchSummary } from '../../client/protocol.ts'
import type { ReloadResult, WizardClass } from '../types.ts'
import { roundMs, type Outcome } from './outcome.ts'
import type { EngineParts } from './engine-parts.ts'
import type { WizardRecord } from './wizard-state.ts'
import type { WizardVersion } from './wizard-version.ts'

/** Records the outcome, tells the sinks, and builds the public result — in this one place. */
/** `started`: when this reload began (a config-only one starts after the code was last read). */
export function reportOutcome<C extends WizardClass>(
  engine: EngineParts,
  wizardId: string,
  file: string,
  read: NonNullable<WizardRecord['lastAttempt']>,
  previous: WizardVersion | undefined,
  initial: boolean,
  outcome: Exclude<Outcome, { type: 'stale' }>,
  started = read.startedAt,
): ReloadResult<C> {
  const root = engine.server.config.root
  const previousClass = (previous?.wizardClass ?? null) as C | null
  const base = { wizardId, file, error: null, failure: null, helper: false, wizardClass: previousClass }
  const durationMs = () => roundMs(performance.now() - started)
  switch (outcome.type) {
    case 'unchanged': {
      // Patch mode, comments or formatting only: nothing registered, no reload counted — only said.
      const record = engine.state.recordSuccess(previous!, { countsAsReload: false, read })
      engine.events.reloaded?.({
        wizardId,
        file,
        version: previous!.version,
        reloadCount: record.reloadCount,
        durationMs: durationMs(),
        phases: previous!.phases,
        reason: 'code',
        added: false,
        configFile: previous!.config?.file ?? null,
        patched: outcome.summary,
        timestamp: Date.now(),
      })
      return { ...base, success: true, message: `${wizardId}: no code change (comments or formatting only)`, durationMs: durationMs() }
    }
    case 'cancelled':
      return { ...base, success: false, message: `${wizardId}: reload cancelled (server closing)`, durationMs: durationMs() }
    case 'helper': {
      if (outcome.failure) {
        const where = outcome.failure.loc
          ? `${displayPath(root, outcome.failure.loc.file)}:${outcome.failure.loc.line}:${outcome.failure.loc.column}`
          : displayPath(root, file)
        engine.advise(`helper ${where} failed to load: ${outcome.failure.message} (wizards importing it keep their previous versions)`)
        return {
          ...base,
          success: false,
          helper: true,
          message: outcome.failure.message,
          error: outcome.failure.message,
          failure: outcome.failure,
          durationMs: durationMs(),
        }
      }
      becameHelper(engine, wizardId, file, outcome.exportNames ?? [])
      return { ...base, success: false, helper: true, message: `${path.basename(file)} is a helper (no wizard class)`, durationMs: durationMs() }
    }
    case 'failed': {
      outcome = { ...outcome, failure: boundFailure(outcome.failure) }
      const timestamp = Date.now()
      engine.state.recordFailure(wizardId, file, outcome.failure, timestamp, read)
      engine.history.record(wizardId, {
        version: null,
        outcome: 'failed',
        timestamp,
        kind: outcome.failure.kind,
        message: outcome.failure.message,
        durationMs: durationMs(),
        ...(outcome.phases ? { phases: outcome.phases } : {}),
        file,
        source: read.source,
      })
      engine.events.failed?.({ wizardId, file, timestamp, error: outcome.failure, keptPreviousVersion: previousClass !== null })
      const kept = previousClass ? ' (kept previous version)' : ''
      return {
        ...base,
        success: false,
        message: `${wizardId} failed: ${outcome.failure.message}${kept}`,
        error: outcome.failure.message,
        failure: outcome.failure,
        durationMs: durationMs(),
      }
    }
    case 'reloaded': {
      const { version } = outcome
      const before = engine.state.get(wizardId)
      if (before && before.file !== file && before.current !== undefined && readText(before.file) !== undefined) {
        const relative = (f: string) => displayPath(root, f)
        engine.advise(
          `${wizardId}: ${relative(file)} and ${relative(before.file)} both map to the wizard id "${wizardId}"; ${relative(file)} (loaded last) is registered. Rename one, or pass a wizardId option.`,
        )
      }
      engine.helperFiles.delete(file)
      const record = engine.state.recordSuccess(version, { countsAsReload: !initial, read })
      engine.committed(wizardId, version)
      const ms = durationMs()
      const { reason, configSource } = outcome
      const what = initial ? 'loaded' : reason === 'config' ? 'config' : 'reloaded'
      engine.history.record(
        wizardId,
        {
          version: version.version,
          outcome: what,
          timestamp: Date.now(),
          durationMs: ms,
          phases: version.phases,
          file,
          source: version.source,
          config: version.config,
          configSource,
          ...patchFields(version),
        },
        version,
      )
      const { detectMs, loadMs, registerMs, disposeMs } = version.phases
      debug?.(
        `${wizardId} v${version.version} registered (${reason}) in ${ms} ms: detect ${detectMs}, load ${loadMs}, register ${registerMs}, dispose ${disposeMs} ms`,
      )
      const added = previous === undefined
      if (!initial) {
        engine.events.reloaded?.({
          wizardId,
          file,
          version: version.version,
          reloadCount: record.reloadCount,
          durationMs: ms,
          phases: version.phases,
          reason,
          added,
          configFile: version.config?.file ?? null,
          ...patchFields(version),
          timestamp: Date.now(),
        })
      }
      return {
        ...base,
        success: true,
        wizardClass: version.wizardClass as C,
        message: `${wizardId} ${initial ? 'loaded' : reason === 'config' ? 'config reloaded' : 'reloaded'} in ${ms} ms`,
        durationMs: ms,
      }
    }
  }
}

function becameHelper(engine: EngineParts, wizardId: string, file: string, exportNames: string[]): void {
  engine.helperFiles.add(file)
  // A file that never registered a class and now exports none is a helper; clear any failure shown for it.
  const record = engine.state.get(wizardId)
  if (record && record.file === file && record.current === undefined) {
    engine.state.delete(wizardId)
    engine.events.removed?.({ wizardId, file, timestamp: Date.now() })
  }
  // A module exporting a Base…/Abstract… class is a base module on purpose (`base_wizard.ts` with `BaseWizard`).
  if (hasWizardSuffix(file) && !exportNames.some(isBaseClassName) && !engine.warnedHelpers.has(file)) {
    engine.warnedHelpers.add(file)
    engine.advise(
      `${displayPath(engine.server.config.root, file)} is named like a wizard but exports no wizard class (exports: ${exportNames.join(', ') || 'none'}), so it is treated as a helper (never registered). ` +
        `Export a class whose name ends with "Wizard" (not Base…/Abstract…), or \`export default class { … }\`.`,
    )
  }
}

/** What a patch-mode version says of itself in events and history (nothing in replace mode). */
export function patchFields(version: WizardVersion): { patched?: WizardPatchSummary; fallback?: string } {
  return { ...(version.patch ? { patched: version.patch } : {}), ...(version.fallback ? { fallback: version.fallback.join(' ') } : {}) }
}
