import { parse, TomlError } from 'smol-toml'
import type { ParseOutcome } from './parsed-config.ts'

/** TOML 1.0 through `smol-toml`. Its values carry no positions, so a schema problem is named by its path. */
export function parseToml(source: string): ParseOutcome {
  try {
    return { ok: true, config: { value: parse(source), locate: () => undefined } }
  } catch (error) {
    if (error instanceof TomlError)
      return { ok: false, message: error.message.split('\n')[0].replace(/^Invalid TOML document: /, ''), position: { line: error.line, column: error.column } }
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}
