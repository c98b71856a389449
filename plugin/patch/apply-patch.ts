import { commitChanges, sameDescriptor, type PropertyChange } from './descriptor-transaction.ts'
import { planInternals, type PatchPlan } from './plan-patch.ts'
import { appliedVersion, setAppliedVersion, type AppliedVersion } from './patch-state.ts'

/**
 * Puts back exactly the descriptors the patch replaced. Throws (changing nothing) when the live
 * class was patched again since, or a patched property was redefined: undo the later patch first.
 * A second call does nothing.
 */
export type UndoPatch = () => void

/**
 * Applies a `patch` plan from `planPatch(live, next)`: defines the new class's members onto the live
 * class and its prototype and deletes the removed ones, all or nothing. Every touched descriptor is
 * captured first; when a define or delete fails, the ones already made are restored and a clear
 * Error is thrown. The live class keeps its identity: its `name`, `prototype` and
 * `prototype.constructor` are never touched.
 */
export function applyPatch(live: Function, next: Function, plan: PatchPlan): UndoPatch {
  const className = readableName(live)
  if (plan.mode !== 'patch') throw new Error(`Cannot patch ${className}: the plan is a replace (${plan.reasons.join(' ')})`)
  const planned = planInternals(plan)
  if (!planned || planned.live !== live || planned.next !== next) {
    throw new Error(`Cannot patch ${className}: this plan was not made by planPatch for these two classes.`)
  }
  const base = appliedVersion(live)
  if (planned.base !== base) throw new Error(`Cannot patch ${className}: it was patched since this plan was made; plan again.`)

  const identity = { constructor: live.prototype.constructor as unknown, name: className }
  const changes: PropertyChange[] = []
  for (const change of planned.changes) {
    const target = change.placement === 'prototype' ? (live.prototype as object) : live
    const before = Object.getOwnPropertyDescriptor(target, change.key)
    const after = change.descriptor(before)
    if (sameDescriptor(before, after)) continue
    changes.push({ target, key: change.key, label: where(className, change.placement, change.label), before, after })
  }
  commitChanges(changes, `Patching ${className}`)
  if (live.prototype.constructor !== identity.constructor || readableName(live) !== identity.name) {
    // Not reachable through a plan (identity keys are never planned); kept as the promise it is.
    commitChanges(reversed(changes), `Restoring ${className}`)
    throw new Error(`Patching ${className} would have changed its identity (its name or prototype.constructor); nothing was changed.`)
  }
  const version: AppliedVersion = { shape: planned.target }
  setAppliedVersion(live, version)

  let undone = false
  return () => {
    if (undone) return
    if (appliedVersion(live) !== version) throw new Error(`Cannot undo the patch of ${className}: it was patched again since; undo that patch first.`)
    const moved = changes.filter((change) => !sameDescriptor(Object.getOwnPropertyDescriptor(change.target, change.key), change.after))
    if (moved.length) {
      throw new Error(`Cannot undo the patch of ${className}: ${moved.map((change) => change.label).join(', ')} changed since the patch; nothing was undone.`)
    }
    commitChanges(reversed(changes), `Undoing the patch of ${className}`)
    setAppliedVersion(live, base)
    undone = true
  }
}

function reversed(changes: PropertyChange[]): PropertyChange[] {
  return changes.map(({ target, key, label, before, after }) => ({ target, key, label, before: after, after: before })).reverse()
}

function where(className: string, placement: 'prototype' | 'constructor', label: string): string {
  return `\`${label}\` on ${placement === 'prototype' ? `${className}.prototype` : className}`
}

function readableName(live: Function): string {
  const name = Object.getOwnPropertyDescriptor(live, 'name')?.value
  return typeof name === 'string' && name ? name : 'the class'
}
