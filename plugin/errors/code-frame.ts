import { frameWindow } from './limits.ts'

/**
 * A plain-text code frame: two lines of context around `line`, the line marked with `>`,
 * a caret under `column` (both 1-based).
 */
export function createCodeFrame(source: string, line: number, column: number, context = 2): string {
  const lines = source.split(/\r?\n/)
  // The file's final newline is not a line of its own — unless the error points there ("unexpected end of input").
  if (lines.length > 1 && lines.at(-1) === '' && line < lines.length) lines.pop()
  if (line < 1 || line > lines.length) return ''
  const first = Math.max(1, line - context)
  const last = Math.min(lines.length, line + context)
  const width = String(last).length
  const out: string[] = []
  for (let n = first; n <= last; n++) {
    // A long line (a minified one, a 1 MB literal) shows as a window around the column.
    const shown = frameWindow(lines[n - 1], n === line ? column : 1)
    const text = shown.text.replace(/\t/g, '  ')
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${text}`)
    if (n === line) {
      const before = shown.text.slice(0, Math.max(0, shown.column - 1)).replace(/\t/g, '  ')
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(before.length)}^`)
    }
  }
  return out.join('\n')
}
