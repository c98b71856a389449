import type { AssignmentExpression, ClassExpression, Expression, MethodDefinition, Statement } from 'acorn'
import { normalizedRange, parseTrackedExpression } from './code-text.ts'

/** A field a constructor sets in a statement of its own (`this.answers = []`), its value's code normalised. */
export interface ConstructorField {
  name: string
  text: string
  initializer: 'arrow' | 'function' | 'bound method' | 'value'
}

/** What a constructor does: the fields it sets in statements of their own, and its other statements (normalised code). */
export interface ConstructorBody {
  fields: Map<string, ConstructorField>
  others: string[]
}

/**
 * Reads the fields out of a constructor's source (`constructor() { super(); this.greet = () => 'hi' }`):
 * TypeScript without define semantics (`useDefineForClassFields: false` — Vite 7's esbuild without a
 * tsconfig `target`) moves every field initializer into the constructor, so a new or changed field
 * shows up there, and the reason for a replace can name it. Undefined when the text does not parse
 * as a constructor.
 */
export function constructorBody(raw: string): ConstructorBody | undefined {
  let parsed: ReturnType<typeof parseTrackedExpression>
  try {
    parsed = parseTrackedExpression(`(class extends Object { ${raw} })`)
  } catch {
    return undefined
  }
  const expression = parsed.node as Expression
  const inner = expression.type === 'ClassExpression' ? expression : undefined
  const method = (inner as ClassExpression | undefined)?.body.body.find(
    (element): element is MethodDefinition => element.type === 'MethodDefinition' && element.kind === 'constructor',
  )
  if (!method) return undefined
  const fields = new Map<string, ConstructorField>()
  // Its parameters count as what else it does: a new signature is a changed constructor.
  const params = method.value.params
  const others: string[] = params.length ? [`(${normalizedRange(parsed, params[0].start, params.at(-1)!.end)})`] : []
  for (const statement of method.value.body.body) {
    const assignment = thisAssignment(statement)
    if (assignment && !fields.has(assignment.name)) {
      // (The whole statement's code: a semicolon, written or inserted, is part of it either way.)
      fields.set(assignment.name, {
        name: assignment.name,
        text: normalizedRange(parsed, statement.start, statement.end),
        initializer: initializerOf(assignment.value),
      })
    } else {
      others.push(normalizedRange(parsed, statement.start, statement.end))
    }
  }
  return { fields, others }
}

function thisAssignment(statement: Statement): { name: string; value: Expression } | undefined {
  if (statement.type !== 'ExpressionStatement') return undefined
  const expression = statement.expression as AssignmentExpression
  if (expression.type !== 'AssignmentExpression' || expression.operator !== '=') return undefined
  const left = expression.left
  if (left.type !== 'MemberExpression' || left.object.type !== 'ThisExpression' || left.computed || left.property.type !== 'Identifier') return undefined
  return { name: left.property.name, value: expression.right }
}

function initializerOf(value: Expression): ConstructorField['initializer'] {
  if (value.type === 'ArrowFunctionExpression') return 'arrow'
  if (value.type === 'FunctionExpression') return 'function'
  const callee = value.type === 'CallExpression' ? value.callee : undefined
  const bindsThis =
    callee?.type === 'MemberExpression' &&
    !callee.computed &&
    callee.property.type === 'Identifier' &&
    callee.property.name === 'bind' &&
    callee.object.type === 'MemberExpression' &&
    callee.object.object.type === 'ThisExpression'
  return bindsThis ? 'bound method' : 'value'
}
