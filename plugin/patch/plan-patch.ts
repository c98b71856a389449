import { describeThrown } from '../errors/thrown-value.ts'
import type { ClassShape } from './class-shape.ts'
import { constructorReasons, extrasReasons, fieldReasons, parentReasons, privateReasons, staticReasons } from './fallback-reasons.ts'
import { memberDiff, memberGroups } from './member-diff.ts'
import { describeClass } from './member-shapes.ts'
import { appliedVersion, currentShape, type AppliedVersion } from './patch-state.ts'
import { allowedChanges, boundMethods, planCopiedStatics, planProperties, type PlannedChange } from './plan-properties.ts'

/**
 * What a patch would do, or why it would not be faithful. Member names read as users write them:
 * `step2`, `get total`, `static create`, `[Symbol.iterator]`.
 */
export type PatchPlan =
  | {
      mode: 'patch'
      /** Public methods, accessors and static methods (and copied static fields) whose code changed. */
      changed: string[]
      added: string[]
      removed: string[]
      /** How many public methods, accessors and static methods kept their code. */
      unchanged: number
      /**
       * Nothing in the class changed but comments and formatting. About the class only: code outside
       * it (a helper, a constant, an import's path) is not seen here — the caller compares the module
       * (`sameCode`) and knows whether a dependency triggered the reload before it skips one.
       */
      noCodeChange: boolean
    }
  | { mode: 'replace'; reasons: string[] }

export interface PlanOptions {
  /**
   * Static fields whose new value is copied onto the live class instead of making the reload a
   * replace (a per-class setting such as `static hotReload = 'patch'`); listed with the changes.
   */
  copiedStaticFields?: readonly string[]
}

/** What `applyPatch` needs beyond the plan's public fields, kept out of it (the plan travels in events as JSON). */
export interface PlanInternals {
  live: Function
  next: Function
  /** The applied version the plan was made against: a plan is stale once another patch happened. */
  base: AppliedVersion | undefined
  target: ClassShape
  changes: PlannedChange[]
}

const internals = new WeakMap<object, PlanInternals>()

export function planInternals(plan: PatchPlan): PlanInternals | undefined {
  return internals.get(plan)
}

/**
 * Plans patching the live class with the members of `next`: which of them changed (by their code,
 * formatting and comments aside), and whether copying them onto the live class would behave as the
 * new code does for the instances that already exist. Where it would not, the plan is `replace`
 * with a sentence per reason. `next` may be `live` itself: the plan then brings back the live class's
 * own members (a rollback to its first version). Never throws.
 *
 * Unchanged methods are copied too, unless that would be unfaithful (private names, the class's own
 * name): they close over the module they came from, and a helper, a constant or an import that
 * changed outside the class must reach them as it reaches the changed ones.
 */
export function planPatch(live: Function, next: Function, options: PlanOptions = {}): PatchPlan {
  try {
    return plan(live, next, options)
  } catch (error) {
    return { mode: 'replace', reasons: [`Planning the patch threw: ${describeThrown(error)}.`] }
  }
}

function plan(live: Function, next: Function, options: PlanOptions): PatchPlan {
  const base = appliedVersion(live)
  const liveShape = currentShape(live)
  // Read against the live class's current version: only what differs from it is parsed.
  const nextShape = describeClass(next, liveShape)
  if (!liveShape.readable) return { mode: 'replace', reasons: [`The live class cannot be patched: ${liveShape.reason}.`] }
  if (!nextShape.readable) return { mode: 'replace', reasons: [`The new class cannot be patched in: ${nextShape.reason}.`] }

  const reasons: string[] = []
  for (const problem of liveShape.problems) reasons.push(`In the live class, ${problem}`)
  for (const problem of nextShape.problems) reasons.push(`In the new class, ${problem}`)
  const copied = new Set(options.copiedStaticFields ?? [])
  const before = memberGroups(liveShape, copied)
  const after = memberGroups(nextShape, copied)
  const diffs = {
    constructor: memberDiff(before.constructor, after.constructor),
    fields: memberDiff(before.fields, after.fields),
    statics: memberDiff(before.statics, after.statics),
    private: memberDiff(before.private, after.private),
    public: memberDiff(before.public, after.public),
    copiedStatics: memberDiff(before.copiedStatics, after.copiedStatics),
  }
  reasons.push(
    ...parentReasons(live, next, liveShape, nextShape),
    ...constructorReasons(diffs.constructor),
    ...fieldReasons(diffs.fields),
    ...staticReasons(diffs.statics),
    ...privateReasons(diffs.private),
  )
  const context = { same: live === next, reasons, bound: boundMethods(nextShape) }
  const changes = [
    ...planProperties('prototype', liveShape.prototypeProperties, nextShape.prototypeProperties, context),
    ...planProperties('constructor', liveShape.staticProperties, nextShape.staticProperties, context),
    ...planCopiedStatics(before.copiedStatics, after.copiedStatics, nextShape),
  ]
  reasons.push(...extrasReasons(live, liveShape, nextShape))
  const allowed = allowedChanges(live, changes, reasons)
  if (reasons.length) return { mode: 'replace', reasons: [...new Set(reasons)] }

  const result: PatchPlan = {
    mode: 'patch',
    changed: [...diffs.public.changed, ...diffs.copiedStatics.changed].map(([, member]) => member.label),
    added: [...diffs.public.added, ...diffs.copiedStatics.added].map((member) => member.label),
    removed: [...diffs.public.removed, ...diffs.copiedStatics.removed].map((member) => member.label),
    unchanged: diffs.public.unchanged,
    noCodeChange: liveShape.heritage === nextShape.heritage && Object.values(diffs).every((diff) => diff.same),
  }
  internals.set(result, { live, next, base, target: nextShape, changes: allowed })
  return result
}
