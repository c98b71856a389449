import type { ReloadPhases, WizardPatchSummary, WizardReloadError } from '../../client/protocol.ts'
import type { ConfigLoad } from '../config/wizard-config.ts'
import { readSignature } from '../files/file-signature.ts'
import { readText } from '../files/read-text.ts'
import type { EngineParts } from './engine-parts.ts'
import type { ReloadOptions } from './reloader-options.ts'
import type { WizardVersion } from './wizard-version.ts'

/** options of one attempt */
export interface AttemptOptions extends ReloadOptions {
  /** Report what loaded even if the file changed meanwhile (the last of several tries). */
  lastAttempt?: boolean
  /** `performance.now()` of the first file event this reload answers (for `phases.detectMs`). */
  eventAt?: number
}

/** how one attempt ended, before it becomes a public `ReloadResult` */
export type Outcome =
  | { type: 'reloaded'; version: WizardVersion; reason: 'code' | 'config'; configSource: string | undefined }
  | { type: 'failed'; failure: WizardReloadError; phases?: ReloadPhases }
  | { type: 'helper'; failure?: WizardReloadError; exportNames?: string[] }
  /** The file changed while it loaded: nothing was registered or reported; load it again. */
  | { type: 'stale' }
  /** Patch mode: the save changed nothing executable (comments, formatting); nothing was registered. */
  | { type: 'unchanged'; summary: WizardPatchSummary }
  | { type: 'cancelled' }

/** A save that truncates first can be seen empty for a moment: give the write this long to land. */
export const EMPTY_FILE_GRACE_MS = 150

/** The config file a failed load read has changed since (the failure is about content no longer there). */
export function configChangedSince(configured: Extract<ConfigLoad, { ok: false }>): boolean {
  if (!configured.file || configured.source === undefined) return false
  const now = readText(configured.file)
  return (now?.charCodeAt(0) === 0xfeff ? now.slice(1) : now) !== configured.source
}

export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10
}

/** The runner's id of a module imported by an absolute path (with its query). */
export function runnerIdOf(url: string): string {
  return url.replace(/\\/g, '/')
}

/** A reload's timings: how long it waited since the first event, loaded, registered and disposed. */
export function phasesOf({
  eventAt,
  started,
  loadMs,
  registerMs,
  disposeMs,
}: {
  eventAt?: number
  started: number
  loadMs: number
  registerMs: number
  disposeMs: number
}): ReloadPhases {
  return {
    detectMs: roundMs(eventAt === undefined ? 0 : Math.max(0, started - eventAt)),
    loadMs: roundMs(loadMs),
    registerMs: roundMs(registerMs),
    disposeMs: roundMs(disposeMs),
  }
}

/** Tells the engine's reader what a config load read (the save intake then knows that content). */
export function noteConfigRead(engine: Pick<EngineParts, 'noteRead'>, configured: ConfigLoad): void {
  const file = configured.ok ? configured.config?.file : configured.file
  if (file) engine.noteRead(file, configured.source, readSignature(file))
}
