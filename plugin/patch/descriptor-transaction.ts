import { describeThrown } from '../errors/thrown-value.ts'

/** One own property to set (`after`) or delete (`after: undefined`), with what it was before. */
export interface PropertyChange {
  target: object
  key: PropertyKey
  /** For messages: `step2 on DebugWizard.prototype`. */
  label: string
  before: PropertyDescriptor | undefined
  after: PropertyDescriptor | undefined
}

/**
 * Sets every change or none: when one define or delete fails (a property that is not configurable,
 * an object that is not extensible, a Proxy's trap), the changes already made are put back, last
 * first, and a clear Error says which property failed and whether everything was restored.
 * `Reflect` answers `false` where `Object.defineProperty` would throw: both count as a failure.
 */
export function commitChanges(changes: readonly PropertyChange[], what: string): void {
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]
    const failure = attempt(() => write(change.target, change.key, change.after))
    if (failure === undefined) continue
    const unrestored: string[] = []
    for (let j = i; j >= 0; j--) {
      const made = changes[j]
      if (attempt(() => write(made.target, made.key, made.before)) !== undefined && j < i) unrestored.push(made.label)
    }
    const verb = change.after ? 'defining' : 'deleting'
    const outcome = unrestored.length
      ? `and ${unrestored.join(', ')} could not be restored: the class is left partly changed`
      : 'the changes made before it were undone'
    throw new Error(`${what} failed ${verb} ${change.label} (${describeThrown(failure.error)}); ${outcome}.`, { cause: failure.error })
  }
}

function write(target: object, key: PropertyKey, descriptor: PropertyDescriptor | undefined): void {
  const done = descriptor ? Reflect.defineProperty(target, key, descriptor) : Reflect.deleteProperty(target, key)
  if (!done) throw new TypeError(descriptor ? 'the property cannot be redefined' : 'the property cannot be deleted')
}

function attempt(action: () => void): { error: unknown } | undefined {
  try {
    action()
    return undefined
  } catch (error) {
    return { error }
  }
}

/** Whether two descriptors (as `getOwnPropertyDescriptor` gives them, or absent) describe the same property. */
export function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (!a || !b) return a === b
  return (
    Object.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    !!a.writable === !!b.writable &&
    !!a.enumerable === !!b.enumerable &&
    !!a.configurable === !!b.configurable &&
    ('value' in a || 'writable' in a) === ('value' in b || 'writable' in b)
  )
}
