import { describeClass, type ClassShape, type UnreadableClass } from './member-shapes.ts'

/**
 * Which version's members a patched live class holds now. A live class's own source never changes
 * (`toString` still shows the version it was created from), so after a patch its members are
 * those of the version patched in, and the next plan must compare against that version.
 * One entry per patch: a plan remembers the entry it was made against, and an undo checks that
 * its own entry is still the current one.
 */
export interface AppliedVersion {
  readonly shape: ClassShape
}

const applied = new WeakMap<Function, AppliedVersion>()

/** The current applied version of `live`; `undefined` while it holds its own members. */
export function appliedVersion(live: Function): AppliedVersion | undefined {
  return applied.get(live)
}

export function setAppliedVersion(live: Function, version: AppliedVersion | undefined): void {
  if (version) applied.set(live, version)
  else applied.delete(live)
}

/** The members `live` holds now: the last version patched into it, or its own. */
export function currentShape(live: Function): ClassShape | UnreadableClass {
  return applied.get(live)?.shape ?? describeClass(live)
}
