import { describeThrown } from '../errors/thrown-value.ts'
import { positionAt, type ConfigPosition, type ParseOutcome } from './parsed-config.ts'

/** A config file is data people edit: above this, it is refused (a 50 MB YAML would block the event loop for seconds). */
export const MAX_CONFIG_BYTES = 1024 * 1024
/** Brackets nested deeper than this are refused before any parser (recursive ones overflow the stack). */
export const MAX_CONFIG_NESTING = 100

/** Why a config file of `bytes` bytes is refused, or undefined when its size is fine. */
export function oversizedConfig(bytes: number): string | undefined {
  if (bytes <= MAX_CONFIG_BYTES) return undefined
  return `is ${(bytes / 1024 / 1024).toFixed(1)} MB; config files are limited to ${MAX_CONFIG_BYTES / 1024 / 1024} MB (keep data this large in a file the wizard reads itself)`
}

/**
 * Where `[` / `{` nesting first goes deeper than MAX_CONFIG_NESTING, outside quoted strings and
 * comments (JSON, JSONC, YAML flow style, TOML arrays and inline tables); undefined when it never does.
 * One pass, no recursion, whatever the text.
 */
export function excessiveNesting(text: string): ConfigPosition | undefined {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      // Skip the string (a backslash escapes in double quotes; a newline ends a broken one).
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c && c === 0x22) i++
        else if (d === c || d === 0x0a) break
      }
    } else if (c === 0x23 /* # */ || (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f)) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* /* */) {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 1
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_CONFIG_NESTING) return positionAt(text, i)
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth = Math.max(0, depth - 1)
    }
  }
  return undefined
}

/**
 * Runs a parser with the nesting guard in front and any throw (a stack overflow on nesting the
 * guard cannot see, such as YAML's indentation) turned into a parse failure: a config file never
 * stops anything but its own wizard.
 */
export function parseGuarded(text: string, parse: () => ParseOutcome): ParseOutcome {
  const tooDeep = excessiveNesting(text)
  if (tooDeep)
    return { ok: false, message: `nested more than ${MAX_CONFIG_NESTING} levels deep here; no config needs that (refused before parsing)`, position: tooDeep }
  try {
    return parse()
  } catch (error) {
    const overflow = error instanceof RangeError && /call stack/i.test(error.message)
    return {
      ok: false,
      message: overflow ? 'nested too deeply to parse (the parser ran out of stack)' : `the parser failed: ${describeThrown(error)}`,
      position: { line: 1, column: 1 },
    }
  }
}
