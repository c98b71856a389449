/** A position in a config file (1-based). */
export interface ConfigPosition {
  line: number
  column: number
}

export type ConfigPath = ReadonlyArray<string | number>

/** A parsed config file: its value, and where a key of it is written (when the parser can tell). */
export interface ParsedConfig {
  value: unknown
  /** The position of the deepest part of `path` the file has (the key itself when it is there). */
  locate(path: ConfigPath): ConfigPosition | undefined
}

export type ParseOutcome = { ok: true; config: ParsedConfig } | { ok: false; message: string; position?: ConfigPosition }

/** 1-based line and column of a character offset. */
export function positionAt(source: string, offset: number): ConfigPosition {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}
