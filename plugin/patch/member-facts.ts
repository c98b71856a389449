/**
 * What a class member's code does that decides whether a copy of it can run on another class's
 * instances: which of the class's private names it touches (`this.#x`, `#x in o`), whether it calls
 * `super`, whether it names the class itself, and which methods it binds per instance.
 */
export interface MemberFacts {
  /** The class's own private names (`#answers`) the code uses; names only a nested class declares are not counted. */
  privateNames: string[]
  /** `super.x` / `super(…)` anywhere in the code (nested classes included: a false "yes" only costs a fallback). */
  usesSuper: boolean
  /** The class's own names the code refers to as a variable (`new DebugWizard()`, `x instanceof DebugWizard`). */
  classNames: string[]
  /** Methods bound per instance: `this.step.bind(this)` gives `step`. */
  binds: string[]
}

interface AstNode {
  type: string
  [key: string]: unknown
}

/** Walks `code` (a method's function, a field's initializer, a static block) once. */
export function memberFacts(code: unknown, classPrivateNames: ReadonlySet<string>, classNames: ReadonlySet<string>): MemberFacts {
  const privateNames = new Set<string>()
  const namesUsed = new Set<string>()
  const binds = new Set<string>()
  let usesSuper = false

  const visit = (node: AstNode, parent: AstNode | undefined, field: string): void => {
    switch (node.type) {
      case 'PrivateIdentifier':
        if (classPrivateNames.has(node.name as string)) privateNames.add(node.name as string)
        return
      case 'Super':
        usesSuper = true
        return
      case 'Identifier':
        if (classNames.has(node.name as string) && isReference(parent, field)) namesUsed.add(node.name as string)
        return
      case 'CallExpression': {
        const bound = boundMethod(node)
        if (bound !== undefined) binds.add(bound)
        break
      }
    }
    for (const key in node) {
      const child = node[key]
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) visit(item, node, key)
      } else if (isNode(child)) {
        visit(child, node, key)
      }
    }
  }
  if (isNode(code)) visit(code, undefined, '')
  return { privateNames: [...privateNames], usesSuper, classNames: [...namesUsed], binds: [...binds] }
}

function isNode(value: unknown): value is AstNode {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
}

/** An identifier that is a variable reference, not a property name, a key or a label. */
function isReference(parent: AstNode | undefined, field: string): boolean {
  if (!parent) return true
  switch (parent.type) {
    case 'MemberExpression':
      return field !== 'property' || parent.computed === true
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return field !== 'key' || parent.computed === true
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return field !== 'label'
    case 'MetaProperty':
      return false
    default:
      return true
  }
}

/** `this.step.bind(…)` (or `this.#step.bind(…)`) → `step` / `#step`. */
function boundMethod(call: AstNode): string | undefined {
  const callee = call.callee as AstNode
  if (callee.type !== 'MemberExpression' || callee.computed || propertyName(callee) !== 'bind') return undefined
  const target = callee.object as AstNode
  if (target.type !== 'MemberExpression' || (target.object as AstNode).type !== 'ThisExpression') return undefined
  return target.computed ? undefined : propertyName(target)
}

function propertyName(member: AstNode): string | undefined {
  const property = member.property as AstNode
  if (property.type === 'Identifier') return property.name as string
  if (property.type === 'PrivateIdentifier') return `#${property.name as string}`
  return undefined
}
