import type { Expression, MethodDefinition, PrivateIdentifier, PropertyDefinition, StaticBlock } from 'acorn'
import { bounded } from '../errors/limits.ts'
import type { MemberKind, MemberPlacement, MemberShape } from './class-shape.ts'
import { normalizedRange, type TrackedParse } from './code-text.ts'
import { memberFacts, type MemberFacts } from './member-facts.ts'

export type ClassElement = MethodDefinition | PropertyDefinition | StaticBlock

/** What the member's code may refer to: the class's private names (without `#`) and its own names. */
export interface ClassScope {
  privateNames: ReadonlySet<string>
  names: ReadonlySet<string>
}

/** One class element as a member: its kind, label, identity, normalised code and facts. */
export function elementShape(element: ClassElement, parsed: TrackedParse<unknown>, scope: ClassScope, ordinal: number): MemberShape {
  const text = normalizedRange(parsed, element.start, element.end)
  const raw = parsed.source.slice(element.start, element.end)
  if (element.type === 'StaticBlock') {
    const facts = memberFacts(element, scope.privateNames, scope.names)
    return member('static block', `static block ${ordinal}`, `static block|${ordinal}`, 'constructor', false, false, undefined, text, raw, facts, undefined)
  }
  const isPrivate = element.key.type === 'PrivateIdentifier'
  const plain = isPrivate || !element.computed
  const keyId = plain ? String(plainKey(element.key)) : `[${normalizedRange(parsed, element.key.start, element.key.end)}]`
  const keyLabel = plain ? plainLabel(element.key) : `[${bounded(parsed.source.slice(element.key.start, element.key.end).replace(/\s+/g, ' '), 60)}]`
  const key = plain && !isPrivate ? plainKey(element.key) : undefined
  const prefix = element.static ? 'static ' : ''
  if (element.type === 'PropertyDefinition') {
    const facts = memberFacts(element.value, scope.privateNames, scope.names)
    const kind = element.static ? 'static field' : 'field'
    const placement = element.static ? 'constructor' : 'instance'
    const initializer = initializerKind(element.value, facts)
    return member(kind, `${prefix}${keyLabel}`, `${prefix}field|${keyId}`, placement, isPrivate, element.computed, key, text, raw, facts, initializer)
  }
  const facts = memberFacts(element.value, scope.privateNames, scope.names)
  if (element.kind === 'constructor') {
    return member('constructor', 'constructor', 'constructor', 'constructor', false, false, undefined, text, raw, facts, undefined)
  }
  const accessor = element.kind === 'get' ? 'get ' : element.kind === 'set' ? 'set ' : ''
  const kind = `${prefix}${element.kind === 'get' ? 'getter' : element.kind === 'set' ? 'setter' : 'method'}` as MemberKind
  const placement = element.static ? 'constructor' : isPrivate ? 'instance' : 'prototype'
  const label = `${prefix}${accessor}${keyLabel}`
  return member(kind, label, `${prefix}${element.kind}|${keyId}`, placement, isPrivate, element.computed, key, text, raw, facts, undefined)
}

// One shape for every member object (V8 keeps them monomorphic; object spread with extra fields is slow in Node 20).
function member(
  kind: MemberKind,
  label: string,
  id: string,
  placement: MemberPlacement,
  isPrivate: boolean,
  computed: boolean,
  key: PropertyKey | undefined,
  text: string,
  raw: string,
  facts: MemberFacts,
  initializer: MemberShape['initializer'],
): MemberShape {
  return { kind, label, id, placement, isPrivate, computed, key, text, raw, facts, initializer }
}

/** A public method, getter or setter (static or not): what a patch copies. */
export function isPublicMethod(member: MemberShape): boolean {
  return !member.isPrivate && (member.kind.endsWith('method') || member.kind.endsWith('getter') || member.kind.endsWith('setter'))
}

/** The property key a non-computed key makes (`'a'` and `a` are one key; `0x10` is `"16"`). */
export function plainKey(key: Expression | PrivateIdentifier): PropertyKey {
  if (key.type === 'Identifier') return key.name
  if (key.type === 'Literal') return String(key.bigint ?? key.value)
  if (key.type === 'PrivateIdentifier') return `#${key.name}`
  return ''
}

function plainLabel(key: Expression | PrivateIdentifier): string {
  const name = String(plainKey(key))
  return key.type === 'Literal' && typeof key.value === 'string' && !IDENTIFIER.test(name) ? JSON.stringify(name) : name
}

export const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u

function initializerKind(value: Expression | null | undefined, facts: MemberFacts): MemberShape['initializer'] {
  if (!value) return 'none'
  // A transform that keeps function names wraps them: `__name(() => …, "onNext")`.
  const fn = value.type === 'CallExpression' && value.callee.type === 'Identifier' && value.callee.name === '__name' ? value.arguments[0] : value
  if (fn?.type === 'ArrowFunctionExpression') return 'arrow'
  if (fn?.type === 'FunctionExpression') return 'function'
  return value.type === 'CallExpression' && facts.binds.length > 0 ? 'bound method' : 'value'
}
