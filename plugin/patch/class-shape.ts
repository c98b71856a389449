import type { MemberFacts } from './member-facts.ts'

export type MemberKind =
  'constructor' | 'method' | 'getter' | 'setter' | 'static method' | 'static getter' | 'static setter' | 'field' | 'static field' | 'static block'

/** Where the member lives at run time: on the prototype, on the class object itself, or on each instance. */
export type MemberPlacement = 'prototype' | 'constructor' | 'instance'

export interface MemberShape {
  kind: MemberKind
  /** How users read it: `step2`, `get total`, `static create`, `#answers`, `[Symbol.iterator]`, `static block 1`. */
  label: string
  /** Its identity across versions: kind and key (a computed key by its expression's normalised code). */
  id: string
  placement: MemberPlacement
  /** A `#name` member (private methods are installed on each instance, not on the prototype). */
  isPrivate: boolean
  computed: boolean
  /** The property key at run time: for public methods and accessors, read from the class itself (computed keys too); for fields, a plain name only. */
  key: PropertyKey | undefined
  /** The member's code, formatting and comments left out: two versions are the same code when these are equal. */
  text: string
  /** Its source as written: for a public method or accessor, its function's own source text (without `static`). */
  raw: string
  facts: MemberFacts
  /** A field's initializer: a function-valued one (arrow, function, `this.x.bind(this)`) is a copy on each instance. */
  initializer?: 'none' | 'arrow' | 'function' | 'bound method' | 'value'
}

/** One own property of the prototype or the class object that the body's methods and accessors made. */
export interface ClassProperty {
  placement: 'prototype' | 'constructor'
  key: PropertyKey
  /** As the class defined it, captured when the class was first described (before any patch). */
  descriptor: PropertyDescriptor
  method?: MemberShape
  get?: MemberShape
  set?: MemberShape
}

export interface ClassShape {
  readable: true
  /** Its `class X` binding; `null` for an anonymous class. */
  className: string | null
  /** The class's own names: its `class X` binding and its `name` property. */
  names: string[]
  /** The `extends` expression (normalised), `null` without one. */
  heritage: string | null
  /** The `extends` expression as written (whitespace collapsed), for messages. */
  heritageSource: string | null
  /** Every member in effect, in source order (a method or accessor overridden by a later one of the same key is left out). */
  members: MemberShape[]
  /** The class's private names, `#` included. */
  privateNames: string[]
  /** The properties the body's public methods and accessors made, by key, in source order. */
  prototypeProperties: Map<PropertyKey, ClassProperty>
  staticProperties: Map<PropertyKey, ClassProperty>
  /** The static fields' own descriptors (plain keys) as they were when the class was first described. */
  staticFieldValues: Map<PropertyKey, PropertyDescriptor>
  /** Own properties the body does not declare: assigned after the class was defined, or made by a computed static field. */
  extras: { prototype: Map<PropertyKey, PropertyDescriptor>; constructor: Map<PropertyKey, PropertyDescriptor> }
  /** Where the class at run time is not what its source says (a decorator or an assignment replaced a method): it cannot be patched. */
  problems: string[]
  /** Where each element sits in the source, for reading the next version without parsing all of it; absent when there are problems. */
  layout: ClassLayout | undefined
}

export interface UnreadableClass {
  readable: false
  /** A sentence: why the class's members cannot be read from its source. */
  reason: string
}

/**
 * A class's source as elements and a skeleton: the source with the text of every public method
 * and accessor cut out (their functions give it back). The next version of the class whose
 * skeleton is the same, with its methods cut at the same element boundaries, has the same fields,
 * constructor, static blocks, private members and `extends`; only its methods need reading.
 */
export interface ClassLayout {
  source: string
  /** Just after the body's `{`. */
  bodyStart: number
  spans: ElementSpan[]
  skeleton: string
  /** Skeleton offsets between elements: where a method's text may be cut (or added). */
  boundaries: ReadonlySet<number>
  /** Skeleton offsets where a static method's function text was cut, by the span that starts with its `static`. */
  staticCuts: ReadonlyMap<number, ElementSpan>
}

export interface ElementSpan {
  start: number
  end: number
  /** The member it makes; none for a method overridden by a later one of the same key. */
  member: MemberShape | undefined
  /** `method`: cut with the whitespace before it; `static`: its function text only (`static` stays); none: in the skeleton. */
  cut: 'method' | 'static' | undefined
  /** Where the function's own source text starts (after `static`), for a cut span. */
  fnStart: number
  /** Skeleton offsets of its start and end (a `method` cut's are both its cut offset; a `static` cut ends at its cut offset). */
  startOffset: number
  endOffset: number
}
