import type { ClassShape, MemberShape } from './class-shape.ts'
import { constructorBody, type ConstructorField } from './constructor-fields.ts'
import type { MemberDiff } from './member-diff.ts'

// Why a patch would not be faithful: one sentence per reason, naming the members.

/**
 * The live class's parent stays (existing instances inherit from it): a new parent object — a
 * changed `extends`, or the same `extends` whose module was evaluated again — cannot be patched in.
 * This also covers `super` in copied methods, whose home object is the new class: with the same
 * parent, `super.x` finds what it found before.
 */
export function parentReasons(live: Function, next: Function, liveShape: ClassShape, nextShape: ClassShape): string[] {
  if (live === next) return []
  const sameParent = Object.getPrototypeOf(live) === Object.getPrototypeOf(next)
  const sameParentPrototype = Object.getPrototypeOf(live.prototype) === Object.getPrototypeOf(next.prototype)
  if (sameParent && sameParentPrototype) return []
  if (liveShape.heritage !== nextShape.heritage) {
    const from = liveShape.heritageSource === null ? 'none' : `\`${liveShape.heritageSource}\``
    const to = nextShape.heritageSource === null ? 'none' : `\`${nextShape.heritageSource}\``
    return [`The \`extends\` clause changed (${from} → ${to}): existing instances would keep inheriting from the old parent.`]
  }
  const superUsers = nextShape.members.filter((member) => member.facts.usesSuper && member.kind !== 'constructor')
  const calls = superUsers.length ? `, and ${names(superUsers)} would call the new one through \`super\`` : ''
  return [
    `The parent class \`${nextShape.heritageSource}\` is a new object (its module was evaluated again): ` +
      `existing instances would keep inheriting the old one's members${calls}.`,
  ]
}

export function constructorReasons(constructors: MemberDiff): string[] {
  if (constructors.same) return []
  const generic = (what: string) =>
    `The constructor ${what}: existing instances were built by the old one, and the kept class would go on building new ones with it.`
  const [live, next] = constructors.changed[0] ?? [constructors.removed[0], constructors.added[0]]
  const before = live ? constructorBody(live.raw) : EMPTY_CONSTRUCTOR
  const after = next ? constructorBody(next.raw) : EMPTY_CONSTRUCTOR
  if (!before || !after) return [generic(constructors.added.length ? 'was added' : constructors.removed.length ? 'was removed' : 'changed')]
  // Fields set in the constructor (TypeScript without define semantics puts every field initializer there): name them.
  const reasons = constructorFieldReasons(before.fields, after.fields)
  if (reasons.length === 0 || before.others.join('\n') !== after.others.join('\n')) {
    reasons.push(generic(constructors.added.length ? 'was added' : constructors.removed.length ? 'was removed' : 'changed'))
  }
  return reasons
}

const EMPTY_CONSTRUCTOR = { fields: new Map<string, ConstructorField>(), others: [] }

function constructorFieldReasons(before: Map<string, ConstructorField>, after: Map<string, ConstructorField>): string[] {
  const reasons: string[] = []
  const added = [...after.keys()].filter((name) => !before.has(name))
  const removed = [...before.keys()].filter((name) => !after.has(name))
  const quoted = (list: string[]) => list.map((name) => `\`${name}\``).join(', ')
  if (added.length) {
    reasons.push(
      `New field${plural(added)} ${quoted(added)} (set in the constructor): existing instances were built without ${them(added)}, ` +
        `and the kept class's constructor would not create ${them(added)} either.`,
    )
  }
  if (removed.length) {
    reasons.push(
      `Field${plural(removed)} ${quoted(removed)} removed from the constructor: existing instances keep ${them(removed)}, and the kept class would still create ${them(removed)}.`,
    )
  }
  const plain: string[] = []
  for (const [name, field] of after) {
    const old = before.get(name)
    if (!old || old.text === field.text) continue
    const kind = field.initializer !== 'value' ? field.initializer : old.initializer !== 'value' ? old.initializer : undefined
    if (kind === 'bound method')
      reasons.push(`\`${name}\` is a bound-method field (set in the constructor) and changed: each instance holds its own bound copy, made by the old code.`)
    else if (kind)
      reasons.push(
        `\`${name}\` is ${kind === 'arrow' ? 'an arrow-function' : 'a function'} field (set in the constructor) and changed: each instance holds its own copy, made by the old code.`,
      )
    else plain.push(name)
  }
  if (plain.length) {
    reasons.push(
      `Field${plural(plain)} ${quoted(plain)} (set in the constructor) changed: existing instances keep what the old constructor gave them, ` +
        'and the kept class would still initialize new instances the old way.',
    )
  }
  return reasons
}

/** Fields are set when an instance is built: existing instances keep theirs, and the kept class's constructor is the old one. */
export function fieldReasons(fields: MemberDiff): string[] {
  const reasons: string[] = []
  const { added, removed } = fields
  if (added.length) {
    reasons.push(
      `New field${plural(added)} ${names(added)}: existing instances were built without ${them(added)}, ` +
        `and the kept class's constructor would not create ${them(added)} either.`,
    )
  }
  if (removed.length) {
    const list = `Field${plural(removed)} ${names(removed)}`
    reasons.push(`${list} removed: existing instances keep ${them(removed)}, and the kept class would still create ${them(removed)}.`)
  }
  const plain: MemberShape[] = []
  for (const [old, member] of fields.changed) {
    const kind = isFunctionField(member) ? member.initializer : isFunctionField(old) ? old.initializer : undefined
    if (kind === 'bound method') {
      reasons.push(`\`${member.label}\` is a bound-method field and changed: each instance holds its own bound copy, made by the old code.`)
    } else if (kind) {
      const what = kind === 'arrow' ? 'an arrow-function' : 'a function'
      reasons.push(`\`${member.label}\` is ${what} field and changed: each instance holds its own copy, made by the old code.`)
    } else {
      plain.push(member)
    }
  }
  if (plain.length) {
    reasons.push(
      `Field${plural(plain)} ${names(plain)} changed: existing instances keep what the old initializer${plural(plain)} gave them, ` +
        'and the kept class would still initialize new instances the old way.',
    )
  }
  if (!fields.same && reasons.length === 0) {
    reasons.push('The fields were reordered: initializers run in order, and the kept class would still run them in the old order.')
  }
  return reasons
}

function isFunctionField(member: MemberShape): boolean {
  return member.initializer === 'arrow' || member.initializer === 'function' || member.initializer === 'bound method'
}

/** Static fields and blocks ran once, when the live class was defined. */
export function staticReasons(statics: MemberDiff): string[] {
  const reasons: string[] = []
  for (const [what, members] of changeLists(statics)) {
    const fields = members.filter((member) => member.kind === 'static field')
    if (fields.length) {
      const list = `Static field${plural(fields)} ${names(fields)}`
      reasons.push(`${list} ${what}: the kept class keeps its own static values, and a patch does not run static initializers again.`)
    }
    for (const block of members.filter((member) => member.kind === 'static block')) {
      reasons.push(`${capitalized(block.label)} ${what}: a static block ran once, when the live class was defined, and a patch does not run it again.`)
    }
  }
  if (!statics.same && reasons.length === 0) {
    reasons.push('The static fields and blocks were reordered: they ran once, in the old order, when the live class was defined.')
  }
  return reasons
}

/** Private methods and accessors are copied onto each instance when it is built (their brand is the class's). */
export function privateReasons(privates: MemberDiff): string[] {
  return changeLists(privates).map(
    ([what, members]) =>
      `Private member${plural(members)} ${names(members)} ${what}: ` +
      'private methods and accessors are installed on each instance when it is built and cannot be redefined on existing ones.',
  )
}

/** Whether the new version of a member can run on the live class's instances (reasons: `unsafeReasons`). */
export function isSafeToCopy(member: MemberShape): boolean {
  return member.facts.privateNames.length === 0 && member.facts.classNames.length === 0
}

export function unsafeReasons(member: MemberShape): string[] {
  const reasons: string[] = []
  const { privateNames, classNames } = member.facts
  if (privateNames.length) {
    const list = privateNames.map((name) => `\`#${name}\``).join(', ')
    reasons.push(
      `\`${member.label}\` uses the private member${plural(privateNames)} ${list}: ` +
        "the new class's private names do not exist on existing instances (calling it would throw a TypeError).",
    )
  }
  for (const name of classNames) {
    reasons.push(
      `\`${member.label}\` refers to the class by its name \`${name}\`: in the new code that name is the new class, not the live one ` +
        '(`this` in a static method, `this.constructor` or `new.target` follow the live class).',
    )
  }
  return reasons
}

/** A changed method that the new class binds to each instance (`this.step.bind(this)` in a field or the constructor). */
export function boundReason(holder: string, member: MemberShape, key: string): string {
  return (
    `${capitalized(holder)} binds \`${member.label}\` to each instance (\`this.${key}.bind(…)\`): ` +
    `existing instances would keep calling the old \`${member.label}\`.`
  )
}

/**
 * Properties made outside the class body (`Wizard.prototype.x = function …` after it, a decorator's
 * additions): a patch follows the body only, so their code must be the same on both sides. Values
 * that are not functions are state, the live class's own to keep.
 */
export function extrasReasons(live: Function, liveShape: ClassShape, nextShape: ClassShape): string[] {
  const reasons: string[] = []
  const sides = [
    {
      target: live.prototype as object,
      declared: liveShape.prototypeProperties,
      next: nextShape.extras.prototype,
      where: 'the prototype',
      builtIn: ['constructor'],
    },
    {
      target: live,
      declared: liveShape.staticProperties,
      next: nextShape.extras.constructor,
      where: 'the class',
      builtIn: ['length', 'name', 'prototype', ...liveShape.staticFieldValues.keys()],
    },
  ]
  for (const side of sides) {
    const skip = new Set<PropertyKey>(side.builtIn)
    const keys = new Set<PropertyKey>(side.next.keys())
    for (const key of Reflect.ownKeys(side.target)) keys.add(key)
    for (const key of keys) {
      if (side.declared.has(key) || skip.has(key)) continue
      const before = functionsText(Object.getOwnPropertyDescriptor(side.target, key))
      const after = functionsText(side.next.get(key))
      if (before === after) continue
      const how = before && after ? 'differs in' : after ? 'is new in' : 'is gone from'
      const what = `\`${String(key)}\` is set on ${side.where} outside the class body`
      reasons.push(`${what} and ${how} the new code: a patch follows the class body only.`)
    }
  }
  return reasons
}

function functionsText(descriptor: PropertyDescriptor | undefined): string {
  if (!descriptor) return ''
  const fns = [descriptor.value, descriptor.get, descriptor.set].filter((fn): fn is Function => typeof fn === 'function')
  return fns.map((fn) => Function.prototype.toString.call(fn)).join('\n')
}

function changeLists(diff: MemberDiff): Array<[string, MemberShape[]]> {
  const lists: Array<[string, MemberShape[]]> = [
    ['changed', diff.changed.map(([, member]) => member)],
    ['added', diff.added],
    ['removed', diff.removed],
  ]
  return lists.filter(([, members]) => members.length > 0)
}

function names(members: MemberShape[]): string {
  return members.map((member) => `\`${member.label}\``).join(', ')
}

function plural(items: unknown[]): string {
  return items.length === 1 ? '' : 's'
}

function them(items: unknown[]): string {
  return items.length === 1 ? 'it' : 'them'
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
