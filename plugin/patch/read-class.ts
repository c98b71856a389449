import type { ClassExpression, MethodDefinition } from 'acorn'
import { bounded } from '../errors/limits.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { buildLayout, type SpanInput } from './class-layout.ts'
import type { ClassProperty, ClassShape, MemberShape, UnreadableClass } from './class-shape.ts'
import { normalizedRange, parseTrackedExpression, type TrackedParse } from './code-text.ts'
import { elementShape, IDENTIFIER, isPublicMethod, type ClassElement, type ClassScope } from './element-shape.ts'

/** The class's source, or why it has none a patch could use (native, bound, a Proxy, a plain function). */
export function classSource(cls: Function): { source: string } | UnreadableClass {
  let source: string
  try {
    source = Function.prototype.toString.call(cls)
  } catch (error) {
    return { readable: false, reason: `its source cannot be read: ${bounded(describeThrown(error), 300)}` }
  }
  if (!/^class\b/.test(source)) {
    const shown = bounded(source.replace(/\s+/g, ' '), 80)
    return { readable: false, reason: `it is not written as a class (its source reads \`${shown}\`: a bound function, a Proxy, a built-in or a function)` }
  }
  return { source }
}

/** The class's own names: its `class X` binding and its `name` property (when an identifier). */
export function classNames(cls: Function, id: string | undefined): string[] {
  const names = new Set<string>()
  if (id) names.add(id)
  const ownName: unknown = Object.getOwnPropertyDescriptor(cls, 'name')?.value
  if (typeof ownName === 'string' && IDENTIFIER.test(ownName)) names.add(ownName)
  return [...names]
}

/**
 * Reads a class in full: parses its whole source, then finds each public method's and accessor's
 * property on the class object by its function's own source text (computed keys included).
 */
export function readClass(cls: Function): ClassShape | UnreadableClass {
  const read = classSource(cls)
  if ('readable' in read) return read
  const { source } = read
  let parsed: TrackedParse<ClassExpression>
  try {
    const expression = parseTrackedExpression(source)
    if (expression.node.type !== 'ClassExpression' || source.slice(expression.node.end).trim() !== '') {
      return { readable: false, reason: 'its source is not a single class' }
    }
    parsed = expression as TrackedParse<ClassExpression>
  } catch (error) {
    return { readable: false, reason: `its source could not be parsed (${bounded(describeThrown(error), 200)})` }
  }
  const node = parsed.node
  const elements = node.body.body
  const privateNames: string[] = []
  for (const element of elements) if (element.type !== 'StaticBlock' && element.key.type === 'PrivateIdentifier') privateNames.push(`#${element.key.name}`)
  const names = classNames(cls, node.id?.name)
  const scope: ClassScope = { privateNames: new Set(privateNames.map((name) => name.slice(1))), names: new Set(names) }

  let staticBlocks = 0
  const readElements = elements.map((element) => {
    const member = elementShape(element, parsed, scope, element.type === 'StaticBlock' ? ++staticBlocks : 0)
    return { element, member, fnStart: element.start }
  })
  const problems: string[] = []
  const prototypeProperties = bindProperties(cls.prototype as object, readElements, false, source, problems)
  const staticProperties = bindProperties(cls, readElements, true, source, problems)
  const effective = new Set<MemberShape>()
  for (const property of [...prototypeProperties.values(), ...staticProperties.values()]) {
    for (const member of [property.method, property.get, property.set]) if (member) effective.add(member)
  }
  const staticFields = readElements.flatMap(({ member }) => (member.kind === 'static field' && member.key !== undefined ? [member.key] : []))
  const spans: SpanInput[] = readElements.map(({ element, member, fnStart }) => {
    const inEffect = effective.has(member) || !isPublicMethod(member)
    const cut = effective.has(member) ? ((element as MethodDefinition).static ? 'static' : 'method') : undefined
    return { start: element.start, end: element.end, member: inEffect ? member : undefined, cut, fnStart }
  })

  return {
    readable: true,
    className: node.id?.name ?? null,
    names,
    heritage: node.superClass ? normalizedRange(parsed, node.superClass.start, node.superClass.end) : null,
    heritageSource: node.superClass ? bounded(source.slice(node.superClass.start, node.superClass.end).replace(/\s+/g, ' '), 120) : null,
    // Public methods and accessors count when they made a property; every field initializer and static block runs.
    members: spans.flatMap((span) => (span.member ? [span.member] : [])),
    privateNames,
    prototypeProperties,
    staticProperties,
    staticFieldValues: ownDescriptors(cls, staticFields),
    extras: {
      prototype: ownExtras(cls.prototype as object, prototypeProperties, new Set(['constructor'])),
      constructor: ownExtras(cls, staticProperties, new Set<PropertyKey>(['length', 'name', 'prototype', ...staticFields])),
    },
    problems,
    layout: problems.length ? undefined : buildLayout(source, node.body.start + 1, node.body.end - 1, spans),
  }
}

interface ReadElement {
  element: ClassElement
  member: MemberShape
  /** Set here for the public methods found on the class: where their function's own text starts. */
  fnStart: number
}

type Method = ReadElement & { element: MethodDefinition }

/**
 * Which own property of `target` each public method or accessor of one side (static or not) made,
 * and its descriptor. A later member of the same key overrides an earlier one (a method replaces an
 * accessor; a getter and a setter share one). A member whose function is not on the class (its
 * function text differs) was replaced after the class was defined: that is a problem, not a guess.
 */
function bindProperties(target: object, read: ReadElement[], isStatic: boolean, source: string, problems: string[]): Map<PropertyKey, ClassProperty> {
  const placement = isStatic ? 'constructor' : 'prototype'
  const methods = read.filter(
    (each): each is Method => each.element.type === 'MethodDefinition' && each.element.static === isStatic && isPublicMethod(each.member),
  )
  const where = isStatic ? 'the class' : 'its prototype'
  const ownKeys = Reflect.ownKeys(target)

  // Resolve each member's key; a computed one by finding the function whose source is the member's.
  const resolved = methods.map((each) => {
    if (each.member.key !== undefined) return { each, key: each.member.key as PropertyKey | undefined }
    const made = (key: PropertyKey) => functionStart(half(Object.getOwnPropertyDescriptor(target, key), each.element.kind), each.element, source) !== undefined
    const found = ownKeys.filter(made)
    if (found.length > 1) problems.push(`\`${each.member.label}\` matches several properties of ${where}: which one it made cannot be told.`)
    if (found.length === 1) each.member = Object.assign({}, each.member, { key: found[0] })
    return { each, key: found.length === 1 ? found[0] : undefined }
  })

  // From the last member back: what each key ends up holding.
  const properties = new Map<PropertyKey, ClassProperty>()
  const settled = new Set<PropertyKey>()
  for (let i = resolved.length - 1; i >= 0; i--) {
    const { each, key } = resolved[i]
    const { element, member } = each
    if (key === undefined) {
      const overridden = resolved.slice(i + 1).some((later) => later.each.member.id === member.id)
      if (!overridden) {
        problems.push(`\`${member.label}\` is not on ${where} as the class body declares it (replaced after the class was defined, e.g. by a decorator).`)
      }
      continue
    }
    if (settled.has(key)) continue
    let property = properties.get(key)
    if (element.kind === 'method') {
      // A method replaces whatever earlier members made; after an accessor of the same key it is itself replaced.
      settled.add(key)
      if (property) continue
    } else if (property && (property[element.kind] || property.method)) {
      continue
    }
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    const fnStart = functionStart(half(descriptor, element.kind), element, source)
    if (fnStart === undefined) {
      problems.push(`\`${member.label}\` on ${where} is not the function the class body declares (replaced after the class was defined, e.g. by a decorator).`)
      if (element.kind === 'method') continue
    } else {
      each.fnStart = fnStart
      // The raw text of a public method is its function's own (what the next version's function gives back).
      each.member = Object.assign({}, member, { raw: source.slice(fnStart, element.end) })
    }
    if (!property) properties.set(key, (property = { placement, key, descriptor: Object.assign({}, descriptor) }))
    property[element.kind === 'method' ? 'method' : element.kind === 'get' ? 'get' : 'set'] = each.member
  }
  // Walked backwards; in source order, plans and messages read as the class does.
  return new Map([...properties].reverse())
}

function half(descriptor: PropertyDescriptor | undefined, kind: MethodDefinition['kind']): unknown {
  if (!descriptor) return undefined
  return kind === 'get' ? descriptor.get : kind === 'set' ? descriptor.set : descriptor.value
}

/**
 * Where the member's function's own source text ([[SourceText]]) starts, when `fn` is the function
 * the member made: its text is the member's, without the `static` keyword (and what follows it) for
 * a static member. `undefined` when `fn` is some other function.
 */
function functionStart(fn: unknown, element: MethodDefinition, source: string): number | undefined {
  if (typeof fn !== 'function') return undefined
  let text: string
  try {
    text = Function.prototype.toString.call(fn)
  } catch {
    return undefined
  }
  const own = source.slice(element.start, element.end)
  if (!element.static) return text === own ? element.start : undefined
  const ok = text.length > 0 && own.endsWith(text) && own.length - text.length >= 'static'.length && own.startsWith('static')
  return ok ? element.end - text.length : undefined
}

function ownDescriptors(target: object, keys: PropertyKey[]): Map<PropertyKey, PropertyDescriptor> {
  const out = new Map<PropertyKey, PropertyDescriptor>()
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    if (descriptor) out.set(key, descriptor)
  }
  return out
}

function ownExtras(target: object, declared: ReadonlyMap<PropertyKey, unknown>, builtIn: ReadonlySet<PropertyKey>): Map<PropertyKey, PropertyDescriptor> {
  const extras = new Map<PropertyKey, PropertyDescriptor>()
  for (const key of Reflect.ownKeys(target)) {
    if (declared.has(key) || builtIn.has(key)) continue
    const descriptor = Object.getOwnPropertyDescriptor(target, key)
    if (descriptor) extras.set(key, descriptor)
  }
  return extras
}
