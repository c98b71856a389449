/** Test support for the patch engine's tests: classes from source text, and checked edits of that text. */

/** A class from its source, evaluated once (as a module evaluation makes one class object). */
export function classFrom(source: string, scope: Record<string, unknown> = {}): Function {
  const names = Object.keys(scope)
  return new Function(...names, `'use strict'; return (${source})`)(...names.map((name) => scope[name])) as Function
}

/** `source` with each `[from, to]` edit made; throws when `from` is not there (an edit that silently did nothing would test nothing). */
export function edit(source: string, ...edits: Array<[string, string]>): string {
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`the edit's text is not in the source: ${from}`)
    return text.replace(from, to)
  }, source)
}
