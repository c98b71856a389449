import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser'
import { positionAt, type ConfigPath, type ConfigPosition, type ParseOutcome } from './parsed-config.ts'

const READABLE: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name (in double quotes) expected',
  ValueExpected: 'a value expected',
  ColonExpected: 'a colon expected',
  CommaExpected: 'a comma expected',
  CloseBraceExpected: 'a closing } expected',
  CloseBracketExpected: 'a closing ] expected',
  EndOfFileExpected: 'nothing may follow the value',
  InvalidCommentToken: 'comments are not allowed in .json (rename the file to .jsonc)',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
}

/**
 * JSON through Microsoft's `jsonc-parser` (the one VS Code uses): `.json` strictly (no comments,
 * no trailing commas), `.jsonc` with both. Errors and keys are located by line and column.
 */
export function parseJson(source: string, jsonc: boolean): ParseOutcome {
  if (source.trim() === '') return { ok: false, message: 'the file is empty (a JSON config holds one value, e.g. {})', position: { line: 1, column: 1 } }
  const errors: ParseError[] = []
  const tree = parseTree(source, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc, allowEmptyContent: false })
  const error = errors[0]
  if (error || !tree) {
    const offset = error?.offset ?? 0
    const comma = jsonc ? undefined : trailingCommaBefore(source, offset)
    if (comma !== undefined)
      return { ok: false, message: 'trailing comma (not allowed in .json; remove it, or rename the file to .jsonc)', position: positionAt(source, comma) }
    const code = error ? printParseErrorCode(error.error) : 'ValueExpected'
    return { ok: false, message: READABLE[code] ?? code, position: positionAt(source, offset) }
  }
  const locate = (path: ConfigPath): ConfigPosition | undefined => {
    // The deepest part of the path the file has: the key itself, else its nearest parent.
    for (let length = path.length; length >= 0; length--) {
      const node = length === 0 ? tree : findNodeAtLocation(tree, path.slice(0, length) as Array<string | number>)
      if (node) return positionAt(source, keyOffset(node))
    }
    return undefined
  }
  return { ok: true, config: { value: valueOf(tree), locate } }
}

function keyOffset(node: Node): number {
  return node.parent?.type === 'property' && node.parent.children?.[0] ? node.parent.children[0].offset : node.offset
}

/** The offset of a `,` that only whitespace separates from a `}` or `]` at `offset`. */
function trailingCommaBefore(source: string, offset: number): number | undefined {
  if (source[offset] !== '}' && source[offset] !== ']') return undefined
  let i = offset - 1
  while (i >= 0 && /\s/.test(source[i])) i--
  return source[i] === ',' ? i : undefined
}

function valueOf(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      // A null-prototype object: a "__proto__" key is a key like any other, not a prototype.
      const out: Record<string, unknown> = Object.create(null)
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? []
        if (key && value) out[String(key.value)] = valueOf(value)
      }
      return { ...out }
    }
    case 'array':
      return (node.children ?? []).map(valueOf)
    default:
      return node.value
  }
}
