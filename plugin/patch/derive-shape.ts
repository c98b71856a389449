import type { ClassExpression } from 'acorn'
import { whitespaceStart } from './class-layout.ts'
import type { ClassProperty, ClassShape, ElementSpan, MemberShape } from './class-shape.ts'
import { parseTrackedExpression, type TrackedParse } from './code-text.ts'
import { elementShape, plainKey, type ClassScope } from './element-shape.ts'
import { classNames, classSource } from './read-class.ts'

type Half = 'method' | 'get' | 'set'

/** A function of the new class, found in its source and cut out of it. */
interface Cut {
  placement: 'prototype' | 'constructor'
  key: PropertyKey
  half: Half
  /** The function's own source text, and where it is in the new class's source. */
  text: string
  position: number
  descriptor: PropertyDescriptor
  /** Its skeleton offset, and how much of the source it removes (with the whitespace before a non-static method). */
  offset: number
  length: number
}

/**
 * Reads the next version of a class from the version before it (`basis`) without parsing all of
 * it: a save usually changes a method or two, and parsing a whole 50-member class costs more than a
 * patch may. Every function on the new class (methods, accessors, static methods) gives back its
 * own source text; cut out of the new source, they leave a skeleton. When that skeleton is the
 * basis's and every cut sits where the basis had an element boundary, the fields, constructor,
 * static blocks, private members and `extends` are the basis's, character for character, and only
 * methods whose text differs are parsed (each alone). Anything else — a skeleton that differs (a
 * field, a comment between members, a static method added), a function not found in the source (set
 * after the class was defined) — returns `undefined`: the caller reads the class in full.
 */
export function deriveShape(next: Function, basis: ClassShape): ClassShape | undefined {
  const layout = basis.layout
  if (!layout) return undefined
  const read = classSource(next)
  if ('readable' in read) return undefined
  const source = read.source
  if (!source.startsWith(layout.source.slice(0, layout.bodyStart))) return undefined

  const staticFieldKeys = basis.members.flatMap((member) => (member.kind === 'static field' && member.key !== undefined ? [member.key] : []))
  const sides = [
    { placement: 'prototype' as const, target: next.prototype as object, skip: new Set<PropertyKey>(['constructor']) },
    { placement: 'constructor' as const, target: next, skip: new Set<PropertyKey>(['length', 'name', 'prototype', ...staticFieldKeys]) },
  ]
  const cuts: Cut[] = []
  const extras = { prototype: new Map<PropertyKey, PropertyDescriptor>(), constructor: new Map<PropertyKey, PropertyDescriptor>() }
  for (const { placement, target, skip } of sides) {
    // Own keys come in definition order: searching on from the last match finds each in one pass.
    let cursor = layout.bodyStart
    for (const key of Reflect.ownKeys(target)) {
      if (skip.has(key)) continue
      const descriptor = Object.getOwnPropertyDescriptor(target, key)
      if (!descriptor) continue
      const halves = (['method', 'get', 'set'] as const).filter((half) => typeof functionOf(descriptor, half) === 'function')
      if (halves.length === 0) extras[placement].set(key, descriptor)
      for (const half of halves) {
        const text = Function.prototype.toString.call(functionOf(descriptor, half))
        let position = source.indexOf(text, cursor)
        if (position < 0) position = source.indexOf(text, layout.bodyStart)
        if (position < 0) return undefined
        cursor = position + text.length
        cuts.push({ placement, key, half, text, position, descriptor, offset: 0, length: 0 })
      }
    }
  }
  cuts.sort((a, b) => a.position - b.position)

  let skeleton = ''
  let from = 0
  let removed = 0
  for (const cut of cuts) {
    const start = cut.placement === 'constructor' ? cut.position : whitespaceStart(source, cut.position, layout.bodyStart)
    const end = cut.position + cut.text.length
    if (start < from) return undefined
    skeleton += source.slice(from, start)
    cut.offset = start - removed
    cut.length = end - start
    removed += end - start
    from = end
  }
  skeleton += source.slice(from)
  if (skeleton !== layout.skeleton) return undefined
  for (const cut of cuts) if (cut.placement === 'constructor' ? !layout.staticCuts.has(cut.offset) : !layout.boundaries.has(cut.offset)) return undefined

  // Where a skeleton offset is in the new source: after the cuts before it (and, for a start, those at it: an inserted method precedes what follows).
  const positionOf = (offset: number, isStart: boolean): number => {
    let position = offset
    for (const cut of cuts) {
      if (cut.offset < offset || (isStart && cut.offset === offset)) position += cut.length
      else break
    }
    return position
  }
  const names = classNames(next, basis.className ?? undefined)
  const scope: ClassScope = { privateNames: new Set(basis.privateNames.map((name) => name.slice(1))), names: new Set(names) }
  const before = methodSpans(layout.spans)
  const spans: ElementSpan[] = []
  for (const span of layout.spans) {
    if (span.cut) continue
    const start = positionOf(span.startOffset, true)
    const end = positionOf(span.endOffset, false)
    spans.push({ start, end, member: span.member, cut: undefined, fnStart: start, startOffset: span.startOffset, endOffset: span.endOffset })
  }
  // Members whose text is the basis's are the basis's; the others are read together, in one small parse. (A method
  // written twice with the same text — the first one overridden — may be placed at either: the same code either way.)
  const reused = cuts.map((cut) => {
    const old = before[slot(cut.placement, cut.half)].get(cut.key)
    return old?.member && old.member.raw === cut.text ? old.member : undefined
  })
  const changed = readMethods(
    cuts.filter((_, i) => !reused[i]),
    scope,
  )
  if (!changed) return undefined
  const descriptors = new Map<ElementSpan, PropertyDescriptor>()
  cuts.forEach((cut, i) => {
    const member = reused[i] ?? changed.shift()!
    const end = cut.position + cut.text.length
    let span: ElementSpan
    if (cut.placement === 'constructor') {
      const holder = layout.staticCuts.get(cut.offset)!
      const start = positionOf(holder.startOffset, true)
      span = { start, end, fnStart: cut.position, member, cut: 'static', startOffset: holder.startOffset, endOffset: cut.offset }
    } else {
      span = { start: cut.position, end, fnStart: cut.position, member, cut: 'method', startOffset: cut.offset, endOffset: cut.offset }
    }
    spans.push(span)
    descriptors.set(span, cut.descriptor)
  })
  spans.sort((a, b) => a.start - b.start)

  const prototypeProperties = new Map<PropertyKey, ClassProperty>()
  const staticProperties = new Map<PropertyKey, ClassProperty>()
  for (const span of spans) {
    const member = span.member
    const descriptor = descriptors.get(span)
    if (!member || !descriptor) continue
    const placement = member.placement === 'constructor' ? 'constructor' : 'prototype'
    const properties = placement === 'constructor' ? staticProperties : prototypeProperties
    let property = properties.get(member.key!)
    if (!property) properties.set(member.key!, (property = { placement, key: member.key!, descriptor }))
    property[halfOf(member)] = member
  }
  const staticCuts = new Map<number, ElementSpan>()
  for (const span of spans) if (span.cut === 'static') staticCuts.set(span.endOffset, span)

  return {
    readable: true,
    className: basis.className,
    names,
    heritage: basis.heritage,
    heritageSource: basis.heritageSource,
    members: spans.flatMap((span) => (span.member ? [span.member] : [])),
    privateNames: basis.privateNames,
    prototypeProperties,
    staticProperties,
    staticFieldValues: new Map(staticFieldKeys.flatMap((key) => ownDescriptor(next, key))),
    extras,
    problems: [],
    layout: { source, bodyStart: layout.bodyStart, spans, skeleton: layout.skeleton, boundaries: layout.boundaries, staticCuts },
  }
}

function functionOf(descriptor: PropertyDescriptor, half: Half): unknown {
  return half === 'method' ? descriptor.value : descriptor[half]
}

/** The basis's cut spans by side and half (`slot`), then by key. */
function methodSpans(spans: ElementSpan[]): Array<Map<PropertyKey, ElementSpan>> {
  const out = [new Map(), new Map(), new Map(), new Map(), new Map(), new Map()]
  for (const span of spans) {
    const member = span.member
    if (!span.cut || !member || member.key === undefined) continue
    out[slot(member.placement === 'constructor' ? 'constructor' : 'prototype', halfOf(member))].set(member.key, span)
  }
  return out
}

function slot(placement: 'prototype' | 'constructor', half: Half): number {
  return (placement === 'constructor' ? 3 : 0) + (half === 'method' ? 0 : half === 'get' ? 1 : 2)
}

function halfOf(member: MemberShape): Half {
  return member.kind.endsWith('getter') ? 'get' : member.kind.endsWith('setter') ? 'set' : 'method'
}

/**
 * The changed methods read in a class of their own (one parse for all); `undefined` when one is not
 * the member its property says (another kind, another key: a function moved after the class was defined).
 */
function readMethods(cuts: Cut[], scope: ClassScope): MemberShape[] | undefined {
  if (cuts.length === 0) return []
  const wrapper = `class{${cuts.map((cut) => (cut.placement === 'constructor' ? `static ${cut.text}` : cut.text)).join('\n')}}`
  let parsed: TrackedParse<ClassExpression>
  try {
    const expression = parseTrackedExpression(wrapper, { checkPrivateFields: false })
    if (expression.node.type !== 'ClassExpression' || expression.node.body.body.length !== cuts.length) return undefined
    parsed = expression as TrackedParse<ClassExpression>
  } catch {
    return undefined
  }
  const members: MemberShape[] = []
  for (const [i, element] of parsed.node.body.body.entries()) {
    const cut = cuts[i]
    if (element.type !== 'MethodDefinition' || element.static !== (cut.placement === 'constructor') || element.kind !== cut.half) return undefined
    if (element.key.type === 'PrivateIdentifier' || (!element.computed && plainKey(element.key) !== cut.key)) return undefined
    const member = elementShape(element, parsed, scope, 0)
    member.key = cut.key
    member.raw = cut.text
    members.push(member)
  }
  return members
}

function ownDescriptor(target: object, key: PropertyKey): Array<[PropertyKey, PropertyDescriptor]> {
  const descriptor = Object.getOwnPropertyDescriptor(target, key)
  return descriptor ? [[key, descriptor]] : []
}
