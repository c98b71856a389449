import fs from 'node:fs'
import path from 'node:path'
import type { WizardErrorLocation, WizardFailureKind, WizardReloadError } from '../../client/protocol.ts'
import { createCodeFrame, stripAnsi } from './code-frame.ts'

interface ViteLikeError extends Error {
  code?: string
  plugin?: string
  id?: string
  loc?: { file?: string; line: number; column: number }
  errors?: Array<{ message?: string; code?: string; loc?: { file?: string; line: number; column: number } }>
}

/**
 * Turns whatever `ssrLoadModule` threw into the protocol's plain-text failure: its kind, a message,
 * the location (1-based) and a code frame read from the file itself.
 */
export function classifyLoadError(raw: unknown, wizardFile: string, root: string): WizardReloadError {
  const error = toError(raw)
  const kind = loadErrorKind(error)
  const loc = kind === 'syntax' ? syntaxLocation(error, wizardFile) : kind === 'import' ? importLocation(error) : stackLocation(error, root)
  return withFrame({ kind, message: loadErrorMessage(error, kind, root), loc, stack: error.stack ? stripAnsi(error.stack) : undefined })
}

/** A failure that has no source location (no class, register refused, timeout). */
export function plainFailure(kind: WizardFailureKind, message: string, raw?: unknown, root?: string): WizardReloadError {
  const error = raw === undefined ? undefined : toError(raw)
  const loc = error && root ? stackLocation(error, root) : undefined
  return withFrame({ kind, message: stripAnsi(message), loc, stack: error?.stack ? stripAnsi(error.stack) : undefined })
}

function loadErrorKind(error: ViteLikeError): WizardFailureKind {
  const message = stripAnsi(error.message ?? '')
  if (error.code === 'ERR_LOAD_URL' || error.code === 'ERR_MODULE_NOT_FOUND' || /Failed to (?:load|resolve) (?:url|import)|Cannot find (?:module|package)|Does the file exist\?/.test(message)) return 'import'
  if (error.plugin || error.name === 'SyntaxError' || /PARSE_ERROR|Transform failed|Unexpected token/.test(message)) return 'syntax'
  return 'evaluate'
}

function loadErrorMessage(error: ViteLikeError, kind: WizardFailureKind, root: string): string {
  if (kind === 'syntax') {
    const first = error.errors?.[0]?.message ?? error.message
    // oxc: "[PARSE_ERROR] Unexpected token\n ╭─[ file ]…" — keep the headline only; the frame is ours.
    const headline = stripAnsi(first).replace(/^Transform failed with \d+ errors?:\s*/, '').split('\n').find((l) => l.trim() !== '') ?? 'Syntax error'
    const text = headline.replace(/^\[PARSE_ERROR\]\s*/, '').replace(/^(?:\/|[A-Za-z]:\\)\S+:\d+:\d+: (?:ERROR: )?/, '').trim()
    return `SyntaxError: ${text}`
  }
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : ''
  const message = stripAnsi(error.message ?? String(error)).replaceAll(root + path.sep, '')
  return kind === 'import' ? message : `${name}${message}`
}

function syntaxLocation(error: ViteLikeError, wizardFile: string): WizardErrorLocation | undefined {
  const loc = error.loc ?? error.errors?.find((e) => e.loc)?.loc
  if (!loc) return undefined
  // Vite's transform errors carry 1-based lines and 0-based columns.
  return { file: loc.file ?? error.id ?? wizardFile, line: loc.line, column: loc.column + 1 }
}

/** Points at the import statement naming the missing module, in the importing file. */
function importLocation(error: ViteLikeError): WizardErrorLocation | undefined {
  const message = stripAnsi(error.message ?? '')
  const match =
    /Failed to load url (\S+) \(resolved id: [^)]*\) in (\S+?)\.? Does the file exist/.exec(message) ??
    /Cannot find (?:module|package) '([^']+)' imported from '([^']+)'/.exec(message) ??
    /Failed to resolve import "([^"]+)" from "([^"]+)"/.exec(message)
  if (!match) return undefined
  const [, specifier, importer] = match
  const source = readSource(importer)
  if (source === undefined) return undefined
  const lines = source.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    for (const quote of ["'", '"', '`']) {
      const column = lines[i].indexOf(`${quote}${specifier}${quote}`)
      if (column >= 0) return { file: importer, line: i + 1, column: column + 1 }
    }
  }
  return { file: importer, line: 1, column: 1 }
}

const STACK_FRAME_RE = /\(?((?:\/|[A-Za-z]:[\\/])[^():]+?):(\d+):(\d+)\)?\s*$/

/** The first stack frame inside the project (after `ssrFixStacktrace`, so source positions). */
function stackLocation(error: ViteLikeError, root: string): WizardErrorLocation | undefined {
  for (const line of stripAnsi(error.stack ?? '').split('\n').slice(1)) {
    const match = STACK_FRAME_RE.exec(line.trim())
    if (!match) continue
    const [, file, lineNo, column] = match
    if (!file.startsWith(root) || file.includes(`${path.sep}node_modules${path.sep}`)) continue
    return { file, line: Number(lineNo), column: Number(column) }
  }
  return undefined
}

function withFrame(failure: WizardReloadError): WizardReloadError {
  if (failure.loc) {
    const source = readSource(failure.loc.file)
    const frame = source === undefined ? '' : createCodeFrame(source, failure.loc.line, failure.loc.column)
    if (frame) failure.frame = frame
  }
  if (failure.stack === undefined) delete failure.stack
  if (failure.loc === undefined) delete failure.loc
  return failure
}

function readSource(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function toError(raw: unknown): ViteLikeError {
  return raw instanceof Error ? raw : new Error(typeof raw === 'string' ? raw : JSON.stringify(raw))
}
