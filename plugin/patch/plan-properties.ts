import type { ClassProperty, ClassShape, MemberShape } from './class-shape.ts'
import { boundReason, capitalized, isSafeToCopy, unsafeReasons } from './fallback-reasons.ts'
import { memberDiff } from './member-diff.ts'

/** One own property of the live class (or its prototype) that applying a plan sets or deletes. */
export interface PlannedChange {
  placement: 'prototype' | 'constructor'
  key: PropertyKey
  label: string
  /** The descriptor to set, given the live property's current one; `undefined` deletes the property. Never mutated. */
  descriptor(current: PropertyDescriptor | undefined): PropertyDescriptor | undefined
  /** Unchanged code re-bound to the new module (its helpers, imports, state): skipped where the live class does not allow it. */
  rebindOnly: boolean
}

export interface PropertyContext {
  /** Patching the live class back to its own members: its private names and its name are its own. */
  same: boolean
  reasons: string[]
  /** Method name → who binds it per instance in the new class (`field \`handler\``, `the constructor`). */
  bound: Map<string, string[]>
}

type Half = 'method' | 'get' | 'set'
/** Where a method's (or a getter's, a setter's) function comes from: the new class, the live property as it is, or nowhere. */
type Take = 'next' | 'keep' | 'drop' | 'none'

/**
 * The changes to one side (prototype or class object) of the live class. Per property: a changed or
 * added member is copied from the new class (and must be safe to run on existing instances); an
 * unchanged one is copied when that is safe — it closes over the new module, whose helpers,
 * constants and imports may have changed — and kept otherwise; a removed one is deleted. A getter
 * and a setter are decided apart.
 */
export function planProperties(
  placement: 'prototype' | 'constructor',
  before: Map<PropertyKey, ClassProperty>,
  after: Map<PropertyKey, ClassProperty>,
  context: PropertyContext,
): PlannedChange[] {
  const changes: PlannedChange[] = []
  for (const [key, property] of after) {
    const old = before.get(key)
    const sameKind = old !== undefined && !!old.method === !!property.method
    const take: Record<Half, Take> = { method: 'none', get: 'none', set: 'none' }
    let changed = !sameKind
    for (const half of property.method ? (['method'] as const) : (['get', 'set'] as const)) {
      const member = property[half]
      const oldMember = sameKind ? old[half] : undefined
      if (!member) {
        take[half] = oldMember ? 'drop' : 'none'
        changed ||= oldMember !== undefined
      } else if (oldMember && oldMember.text === member.text) {
        take[half] = context.same || isSafeToCopy(member) ? 'next' : 'keep'
      } else {
        take[half] = 'next'
        changed = true
        if (!context.same) context.reasons.push(...unsafeReasons(member))
        if (half === 'method' && placement === 'prototype' && typeof key === 'string') {
          for (const holder of context.bound.get(key) ?? []) context.reasons.push(boundReason(holder, member, key))
        }
      }
    }
    const label = labelOf(property)
    if (isIdentityKey(placement, key)) {
      if (changed) context.reasons.push(`\`${label}\` cannot be patched: it would replace the class's own \`${String(key)}\`.`)
      continue
    }
    const from = property.descriptor
    const descriptor = property.method
      ? (current: PropertyDescriptor | undefined) => (take.method === 'keep' ? current : from)
      : (current: PropertyDescriptor | undefined) => ({
          get: pick(take.get, from.get, current?.get),
          set: pick(take.set, from.set, current?.set),
          enumerable: from.enumerable,
          configurable: from.configurable,
        })
    changes.push({ placement, key, label, rebindOnly: !changed, descriptor })
  }
  for (const [key, old] of before) {
    if (after.has(key)) continue
    const label = labelOf(old)
    if (isIdentityKey(placement, key)) context.reasons.push(`\`${label}\` cannot be removed by a patch: it would remove the class's own \`${String(key)}\`.`)
    else changes.push({ placement, key, label, rebindOnly: false, descriptor: () => undefined })
  }
  return changes
}

function pick<T>(take: Take, next: T, current: T | undefined): T | undefined {
  return take === 'next' ? next : take === 'keep' ? current : undefined
}

/** A class's own `name`, `length`, `prototype` and its prototype's `constructor` are the class's identity: not patched. */
function isIdentityKey(placement: 'prototype' | 'constructor', key: PropertyKey): boolean {
  return placement === 'prototype' ? key === 'constructor' : key === 'name' || key === 'length' || key === 'prototype'
}

function labelOf(property: ClassProperty): string {
  return property.method?.label ?? property.get?.label ?? property.set?.label ?? String(property.key)
}

/** Where the new class binds methods to each instance: those copies keep the old code. */
export function boundMethods(shape: ClassShape): Map<string, string[]> {
  const bound = new Map<string, string[]>()
  for (const member of shape.members) {
    if (member.kind !== 'field' && member.kind !== 'constructor') continue
    const holder = member.kind === 'constructor' ? 'the constructor' : `field \`${member.label}\``
    for (const method of member.facts.binds) bound.set(method, [...(bound.get(method) ?? []), holder])
  }
  return bound
}

/** Copied static fields (the reload-mode setting): their value as the new version was defined with it. */
export function planCopiedStatics(before: MemberShape[], after: MemberShape[], nextShape: ClassShape): PlannedChange[] {
  const fields = memberDiff(before, after)
  const changes: PlannedChange[] = []
  for (const member of [...fields.changed.map(([, changed]) => changed), ...fields.added]) {
    const descriptor = nextShape.staticFieldValues.get(member.key!)
    if (descriptor) changes.push({ placement: 'constructor', key: member.key!, label: member.label, rebindOnly: false, descriptor: () => descriptor })
  }
  for (const member of fields.removed) {
    changes.push({ placement: 'constructor', key: member.key!, label: member.label, rebindOnly: false, descriptor: () => undefined })
  }
  return changes
}

/** The changes the live class lets happen: a re-bind it does not allow is dropped, a real change it does not allow is a reason. */
export function allowedChanges(live: Function, changes: PlannedChange[], reasons: string[]): PlannedChange[] {
  const blocked = new Map<string, string[]>()
  const allowed = changes.filter((change) => {
    const target = change.placement === 'prototype' ? (live.prototype as object) : live
    const current = Object.getOwnPropertyDescriptor(target, change.key)
    if (current ? current.configurable : Object.isExtensible(target)) return true
    if (change.rebindOnly) return false
    const where = change.placement === 'prototype' ? "the live class's prototype" : 'the live class'
    const why = Object.isFrozen(target)
      ? `${capitalized(where)} is frozen`
      : current
        ? `On ${where}, a property that is not configurable cannot be redefined or removed`
        : `${capitalized(where)} is not extensible`
    blocked.set(why, [...(blocked.get(why) ?? []), `\`${change.label}\``])
    return false
  })
  for (const [why, labels] of blocked) reasons.push(`${why}: ${labels.join(', ')} cannot be patched.`)
  return allowed
}
