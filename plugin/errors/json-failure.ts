import fs from 'node:fs'
import type { WizardReloadError } from '../../client/protocol.ts'
import { createCodeFrame } from './code-frame.ts'
import { displayPath } from './display-path.ts'

/**
 * A broken `.json` import, named: Vite 8's JSON plugin fails it without saying which file ("key
 * must be a string at line 3 column 3", the wizard's own path as the only clue) — the wizard's
 * imports tell: the JSON file among them that does not parse is the one, the position is in the
 * message. Vite 7 locates it but its message does not name it.
 */
export function locateJsonFailure(failure: WizardReloadError, imported: readonly string[], root: string): WizardReloadError {
  if (failure.kind !== 'syntax') return failure
  if (failure.loc) {
    // Vite 7 locates it, yet its message does not name the file ("Failed to parse JSON file, …").
    const shown = displayPath(root, failure.loc.file)
    if (!failure.loc.file.endsWith('.json') || failure.message.includes(shown)) return failure
    return { ...failure, message: `SyntaxError: ${shown}: ${failure.message.replace(/^SyntaxError: /, '')}` }
  }
  const position = /at line (\d+) column (\d+)/.exec(failure.message)
  for (const file of imported) {
    if (!file.endsWith('.json')) continue
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
      JSON.parse(text)
      continue
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code) continue // unreadable: not the one
    }
    const line = position ? Number(position[1]) : 1
    const column = position ? Number(position[2]) : 1
    const reason = failure.message.replace(/^SyntaxError: /, '').replace(/\s*at line \d+ column \d+$/, '')
    return {
      ...failure,
      message: `SyntaxError: ${displayPath(root, file)}: ${reason}`,
      loc: { file, line, column },
      frame: createCodeFrame(text!, line, column),
    }
  }
  return failure
}
