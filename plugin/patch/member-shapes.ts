import { bounded } from '../errors/limits.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import type { ClassShape, UnreadableClass } from './class-shape.ts'
import { deriveShape } from './derive-shape.ts'
import { readClass } from './read-class.ts'

export type { ClassLayout, ClassProperty, ClassShape, ElementSpan, MemberKind, MemberPlacement, MemberShape, UnreadableClass } from './class-shape.ts'

/**
 * Describes a class's members from its source, read with `Function.prototype.toString` (the evaluated
 * JavaScript: Vite has already removed the types) and parsed with acorn. Computed keys and the
 * properties' descriptors come from the class object itself, matched to the source by each function's
 * own source text. Never throws: a class that cannot be read (native, bound, a Proxy, not written as
 * `class`) is `{ readable: false, reason }`.
 *
 * With a `basis` (the version before it), only what differs from it is parsed (`deriveShape`); the
 * result is the same as a full read. Cached per class object: a class's source never changes, and its
 * first description captures its own descriptors before any patch redefines them (what a rollback to
 * it restores).
 */
export function describeClass(cls: unknown, basis?: ClassShape | UnreadableClass): ClassShape | UnreadableClass {
  if (typeof cls !== 'function') return { readable: false, reason: `it is not a class (${typeof cls})` }
  let shape = shapes.get(cls)
  if (!shape) {
    try {
      shape = (basis?.readable && deriveShape(cls, basis)) || readClass(cls)
    } catch (error) {
      shape = { readable: false, reason: `reading it threw: ${bounded(describeThrown(error), 300)}` }
    }
    shapes.set(cls, shape)
  }
  return shape
}

const shapes = new WeakMap<object, ClassShape | UnreadableClass>()
