import * as vite from 'vite'

export interface ParseProblem {
  message: string
  /** 0-based UTF-16 offset into the source. */
  offset: number
}

type ParseSync = (filename: string, source: string) => { errors: Array<{ message: string; labels?: Array<{ start: number }> }> }
type ParseAst = (source: string, options?: { jsx?: boolean }) => unknown

/**
 * The parser's own first complaint about `source`, or undefined when it parses. Vite's import
 * analysis reports unbalanced braces or strings in `.js` files only as "Failed to parse source for
 * import analysis" at 1:1, without the reason; this asks the parser Vite ships: `parseSync` (oxc,
 * Vite 8) or `parseAst` (Rollup, Vite 7, where `parseSync` does not exist).
 */
export function firstParseProblem(filename: string, source: string): ParseProblem | undefined {
  const exports = vite as unknown as { parseSync?: ParseSync; parseAst?: ParseAst }
  try {
    if (typeof exports.parseSync === 'function') {
      const [first] = exports.parseSync(filename, source).errors
      return first ? { message: first.message, offset: first.labels?.[0]?.start ?? 0 } : undefined
    }
    if (typeof exports.parseAst === 'function') {
      exports.parseAst(source, { jsx: /\.[jt]sx$/.test(filename) })
      return undefined
    }
  } catch (error) {
    const { message, pos } = error as { message?: unknown; pos?: unknown }
    if (typeof message === 'string') return { message: message.split('\n')[0], offset: typeof pos === 'number' ? pos : 0 }
  }
  return undefined
}

/** 1-based line and column of a 0-based offset. */
export function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)))
  const lines = before.split(/\r?\n/)
  return { line: lines.length, column: lines[lines.length - 1].length + 1 }
}
