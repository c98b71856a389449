import type { WizardPatchSummary } from '../../client/protocol.ts'
import { applyPatch, type UndoPatch } from '../patch/apply-patch.ts'
import { sameCode } from '../patch/code-text.ts'
import { planPatch } from '../patch/plan-patch.ts'
import { attempt } from '../shared/attempt.ts'
import type { WizardClass } from '../types.ts'

/** How a reload reaches the wizard's running instances: new members defined onto the live class, or a new class. */
export type InstancesMode = 'patch' | 'replace'

/** A class's own choice (`static hotReload = 'patch' | 'replace'`), else the option's. */
export function instancesModeOf(wizardClass: unknown, option: InstancesMode): InstancesMode {
  const own = attempt(() => (wizardClass as { hotReload?: unknown }).hotReload)
  return own === 'patch' || own === 'replace' ? own : option
}

/** How a new evaluation of a wizard becomes its registered version. */
export type PatchStep =
  /** Register the new class (replace mode, the first version, or patching would not be faithful: `fallback` says why). */
  | { kind: 'replace'; fallback?: string[] }
  /** Define the new members onto the live class (`apply`, undone if `register` refuses) and register it again. */
  | { kind: 'patch'; summary: WizardPatchSummary; apply: () => UndoPatch }
  /** Nothing executable changed (comments, formatting): nothing to register. */
  | { kind: 'unchanged'; summary: WizardPatchSummary }

export interface PatchStepInput {
  mode: InstancesMode
  /** The registered (live) class, if there is one. */
  live: WizardClass | undefined
  /** The evaluated class whose members would go in (the live class itself brings back its own first members). */
  next: WizardClass
  /** The wizard module's code as the live members were evaluated from, and as now (undefined: not known). */
  liveCode?: string
  nextCode?: string
  /** Only the wizard's own module was evaluated afresh (no helper it imports changed), and its config is the same. */
  onlyItsCode: boolean
}

/**
 * Plans a reload in patch mode (plugin/patch/): a patch when copying the new members onto the live
 * class behaves as the new code does for the instances already running, else a replace with the
 * reasons. A save whose module reads the same, token for token, is no change at all.
 */
export function patchStep({ mode, live, next, liveCode, nextCode, onlyItsCode }: PatchStepInput): PatchStep {
  if (mode === 'replace' || live === undefined) return { kind: 'replace' }
  const plan = planPatch(live, next, { copiedStaticFields: ['hotReload'] })
  if (plan.mode === 'replace') return { kind: 'replace', fallback: plan.reasons }
  const summary: WizardPatchSummary = { changed: plan.changed, added: plan.added, removed: plan.removed }
  if (plan.noCodeChange && onlyItsCode && liveCode !== undefined && nextCode !== undefined && sameCode(liveCode, nextCode)) {
    return { kind: 'unchanged', summary: { ...summary, noCodeChange: true } }
  }
  return { kind: 'patch', summary, apply: () => applyPatch(live, next, plan) }
}
