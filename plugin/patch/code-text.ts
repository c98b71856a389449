import { parse, parseExpressionAt, tokTypes, type Options, type Token } from 'acorn'

/**
 * Code parsed with what comparing it needs: acorn's tokens, where automatic semicolon insertion put
 * a semicolon, and which commas are trailing ones.
 *
 * Two versions of a member are the same code when their normalised token runs are equal
 * (`normalizedRange`): comments and whitespace are not tokens; a string, number or regular
 * expression reads by its value (`'a'` and `"a"`, `1e3` and `1000` are one); an inserted semicolon
 * counts as a written one, and a trailing comma as none — so what formatters change (quotes,
 * semicolons, trailing commas, line breaks) is not a change, while `a\n(b)` (a call) and `a;\n(b)`
 * (two statements) stay apart: only the second has a semicolon. Redundant parentheses do count: a
 * false "changed" costs a reload, a false "unchanged" would lose an edit.
 */
export interface TrackedParse<T> {
  node: T
  source: string
  tokens: Token[]
  /** Positions (ascending) where a semicolon was inserted. */
  insertedSemicolons: number[]
  /** Start positions of trailing commas. */
  trailingCommas: Set<number>
}

/** Parser options for evaluated code: the newest syntax, module rules (class bodies are strict anyway). */
export const PARSE_OPTIONS: Options = { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true }

export function parseTrackedExpression(source: string, extra: Partial<Options> = {}): TrackedParse<ReturnType<typeof parseExpressionAt>> {
  const tracked = tracking(source)
  const node = parseExpressionAt(source, 0, Object.assign({}, PARSE_OPTIONS, extra, tracked.options))
  return Object.assign(tracked.parse, { node })
}

export function parseTrackedModule(source: string): TrackedParse<ReturnType<typeof parse>> {
  const tracked = tracking(source)
  const node = parse(source, Object.assign({}, PARSE_OPTIONS, tracked.options))
  return Object.assign(tracked.parse, { node })
}

function tracking(source: string) {
  const parse = { source, tokens: [] as Token[], insertedSemicolons: [] as number[], trailingCommas: new Set<number>() }
  const options: Partial<Options> = {
    onToken: parse.tokens,
    onInsertedSemicolon: (position) => parse.insertedSemicolons.push(position),
    onTrailingComma: (position) => parse.trailingCommas.add(position),
  }
  return { parse, options }
}

/** The normalised code of `[start, end)` of a tracked parse (see `TrackedParse`). */
export function normalizedRange(parsed: TrackedParse<unknown>, start: number, end: number): string {
  const { tokens, insertedSemicolons, trailingCommas, source } = parsed
  let semicolon = firstAtLeast(insertedSemicolons, start + 1, (position) => position)
  let text = ''
  for (let i = firstAtLeast(tokens, start, (token) => token.start); i < tokens.length; i++) {
    const token = tokens[i]
    if (token.end > end || token.type === tokTypes.eof) break
    if (!(token.type === tokTypes.comma && trailingCommas.has(token.start))) text += `${tokenText(token, source)} `
    // A semicolon inserted where this token ends.
    while (semicolon < insertedSemicolons.length && insertedSemicolons[semicolon] <= token.end) {
      if (insertedSemicolons[semicolon] === token.end) text += '; '
      semicolon++
    }
  }
  return text
}

function tokenText(token: Token, source: string): string {
  // acorn's token carries its value (a literal's), though its typings leave it out.
  const value: unknown = (token as Token & { value?: unknown }).value
  switch (token.type) {
    case tokTypes.string:
      return JSON.stringify(value)
    case tokTypes.num:
      return typeof value === 'bigint' ? `${value}n` : String(value)
    case tokTypes.regexp: {
      const { pattern, flags } = value as { pattern: string; flags: string }
      return `/${pattern}/${flags}`
    }
    default:
      return source.slice(token.start, token.end)
  }
}

/** The index of the first item whose position is at least `position` (items sorted by it). */
function firstAtLeast<T>(items: readonly T[], position: number, at: (item: T) => number): number {
  let low = 0
  let high = items.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (at(items[middle]) < position) low = middle + 1
    else high = middle
  }
  return low
}

/**
 * Whether two modules' JavaScript is the same code (comments and formatting aside). For the caller
 * that must decide "no code change" for a whole file: a class whose body did not change can still
 * close over a helper, a constant or an import that did. Code that does not parse as JavaScript
 * (TypeScript before Vite's transform, say) counts as changed unless the texts are identical.
 */
export function sameCode(before: string, after: string): boolean {
  if (before === after) return true
  try {
    const a = parseTrackedModule(before)
    const b = parseTrackedModule(after)
    return normalizedRange(a, 0, before.length) === normalizedRange(b, 0, after.length)
  } catch {
    return false
  }
}
