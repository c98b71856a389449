import type { WizardReloadError } from '../../client/protocol.ts'

/**
 * What any one message, frame or stack the plugin stores or sends may weigh, whatever a wizard,
 * a schema or a backend produced: a 20 MB error message must not become a 20 MB status, event,
 * toast or history entry. Bounds are in characters (UTF-16 code units, what JSON carries).
 */
export const LIMITS = {
  message: 4000,
  frame: 4000,
  stack: 8000,
  /** A code frame's lines are cut to a window this wide around the column. */
  frameLine: 240,
  /** A file path in a location. */
  path: 1024,
} as const

/** `text`, or its start with a note of how much was cut. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text
  const note = ` … (${text.length - max} more characters)`
  return text.slice(0, Math.max(0, max - note.length)) + note
}

/** A failure within the limits (every field that can be large). */
export function boundFailure(failure: WizardReloadError): WizardReloadError {
  const out: WizardReloadError = { ...failure, message: bounded(failure.message, LIMITS.message) }
  if (failure.frame !== undefined) out.frame = bounded(failure.frame, LIMITS.frame)
  if (failure.stack !== undefined) out.stack = bounded(failure.stack, LIMITS.stack)
  if (failure.loc) out.loc = { ...failure.loc, file: bounded(failure.loc.file, LIMITS.path) }
  return out
}

/** One line of a code frame cut to a window around `column` (1-based); returns the line and where the column is in it. */
export function frameWindow(line: string, column: number): { text: string; column: number } {
  const width = LIMITS.frameLine
  if (line.length <= width) return { text: line, column }
  const start = Math.max(0, Math.min(column - 1 - Math.floor(width / 2), line.length - width))
  const head = start > 0 ? '…' : ''
  const tail = start + width < line.length ? '…' : ''
  return { text: head + line.slice(start, start + width) + tail, column: column - start + head.length }
}
