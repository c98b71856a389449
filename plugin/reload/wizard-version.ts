import type { ReloadPhases, WizardPatchSummary } from '../../client/protocol.ts'
import type { WizardConfig } from '../config/wizard-config.ts'
import type { RegisterContext, WizardClass } from '../types.ts'
import type { ModuleInstance } from './module-instances.ts'

/** What every registered version is, in the dev server and in a backend process alike. */
export interface TransactionVersion {
  wizardId: string
  version: number
  wizardClass: WizardClass
  context: RegisterContext
  controller: AbortController
  /** The module instances it runs on (disposed once no registered version does). */
  instances: ModuleInstance[]
}

/** One registered (or being registered) version of a wizard in the dev server: its class, its context, and the module instances it runs on. */
export interface WizardVersion extends TransactionVersion {
  file: string
  phases: ReloadPhases
  /** The source text it was loaded from. */
  source: string | undefined
  /** The config file it was registered with (undefined: none). */
  config: WizardConfig | undefined
  /**
   * The evaluated class whose members are in effect: `wizardClass` itself, or — after a selective
   * reload — the new module's class whose members were patched into the live `wizardClass`. What a
   * rollback to this version patches back (or registers, in replace mode).
   */
  members: WizardClass
  /** The wizard module's code as evaluated (patch mode): a save whose code reads the same changes nothing. */
  code?: string
  /** Patch mode: what this version patched into the live class, or why it replaced it instead. */
  patch?: WizardPatchSummary
  fallback?: string[]
}

/** Version numbers and the `data` object, per wizard id, for the whole dev-server session. */
export class VersionCounters {
  private readonly last = new Map<string, number>()
  private readonly data = new Map<string, Record<string, unknown>>()

  /** The number the next registered version of `wizardId` gets. */
  next(wizardId: string): number {
    return (this.last.get(wizardId) ?? 0) + 1
  }

  commit(wizardId: string, version: number): void {
    this.last.set(wizardId, Math.max(version, this.last.get(wizardId) ?? 0))
  }

  /** One object per wizard id, shared by all its versions (and kept when its file comes back). */
  dataOf(wizardId: string): Record<string, unknown> {
    let data = this.data.get(wizardId)
    if (!data) this.data.set(wizardId, (data = {}))
    return data
  }
}

/** A candidate's timings until it is committed (then measured). */
export const NO_PHASES: Readonly<ReloadPhases> = Object.freeze({ detectMs: 0, loadMs: 0, registerMs: 0, disposeMs: 0 })
