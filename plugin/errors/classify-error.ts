import { readText } from '../files/read-text.ts'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { WizardErrorLocation, WizardFailureKind, WizardReloadError } from '../../client/protocol.ts'
import { firstParseProblem, lineColumnAt } from '../vite-internals/parse-source.ts'
import { createCodeFrame } from './code-frame.ts'
import { readThrown, type ThrownValue } from './thrown-value.ts'

/**
 * Turns whatever loading a module threw into the protocol's plain-text failure: its kind, a message,
 * the location (1-based) and a code frame read from the file itself. Any value is accepted.
 */
export function classifyLoadError(raw: unknown, wizardFile: string, root: string): WizardReloadError {
  const thrown = readThrown(raw)
  const kind = loadErrorKind(thrown, root)
  if (kind === 'syntax') {
    const { message, loc } = syntaxDetails(thrown, wizardFile)
    return withFrame({ kind, message, loc, stack: plainStack(thrown) })
  }
  if (kind === 'import') return withFrame({ kind, message: withoutRoot(plain(thrown.message), root), loc: importLocation(thrown), stack: plainStack(thrown) })
  const own = withoutRoot(plain(thrown.message), root)
  const message = !thrown.isError
    ? `threw a value that is not an Error: ${thrown.message}`
    : own === ''
      ? `${thrown.name ?? 'Error'} (its message could not be read)`
      : `${thrown.name ? `${thrown.name}: ` : ''}${own}`
  return withFrame({ kind, message, loc: stackLocation(thrown, root), stack: plainStack(thrown) })
}

/** A failure that has no source location of its own (no class, register refused, timeout); `raw` may add one from its stack. */
export function plainFailure(kind: WizardFailureKind, message: string, raw?: unknown, root?: string): WizardReloadError {
  const thrown = raw === undefined ? undefined : readThrown(raw)
  const loc = thrown && root ? stackLocation(thrown, root) : undefined
  return withFrame({ kind, message: plain(message), loc, stack: thrown ? plainStack(thrown) : undefined })
}

const IMPORT_CODES = new Set(['ERR_LOAD_URL', 'ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED'])
const IMPORT_MESSAGE = /Failed to (?:load|resolve) (?:url|import)|Cannot find (?:module|package)|Does the file exist\?/
const SYNTAX_MESSAGE = /PARSE_ERROR|Parse failure|Transform failed|Failed to parse source/

function loadErrorKind(thrown: ThrownValue, root: string): WizardFailureKind {
  if (!thrown.isError) return 'evaluate'
  const message = plain(thrown.message)
  if ((thrown.code && IMPORT_CODES.has(thrown.code)) || IMPORT_MESSAGE.test(message)) return 'import'
  if (thrown.plugin || thrown.code === 'PARSE_ERROR' || SYNTAX_MESSAGE.test(message)) return 'syntax'
  // A SyntaxError from compiling the module, not one its code threw at run time (JSON.parse, say).
  if (thrown.name === 'SyntaxError' && !stackLocation(thrown, root)) return 'syntax'
  return 'evaluate'
}

/** The parser's real reason and position, wherever this Vite version put them. */
function syntaxDetails(thrown: ThrownValue, wizardFile: string): { message: string; loc: WizardErrorLocation | undefined } {
  const file = thrown.loc?.file ?? thrown.id ?? wizardFile
  // Vite 8 (oxc) and Vite 7 (esbuild) transform errors list each problem; lines 1-based, columns 0-based.
  const first = thrown.errors?.find((entry) => entry.message)
  if (first && (first.loc || thrown.loc)) {
    const loc = first.loc ?? thrown.loc!
    return { message: `SyntaxError: ${headline(first.message)}`, loc: { file: loc.file ?? file, line: loc.line, column: loc.column + 1 } }
  }
  const message = plain(thrown.message)
  // Import analysis only says "Failed to parse source…" (at 1:1 for unbalanced braces): ask the parser why.
  if (/Failed to parse source for import analysis/.test(message)) {
    const source = readText(file)
    const problem = source === undefined ? undefined : firstParseProblem(file, source)
    if (problem && source !== undefined) return { message: `SyntaxError: ${problem.message}`, loc: { file, ...lineColumnAt(source, problem.offset) } }
  }
  const loc = thrown.loc ? { file, line: thrown.loc.line, column: thrown.loc.column + 1 } : undefined
  return { message: `SyntaxError: ${headline(message)}`, loc }
}

/**
 * One line of reason from a parser's message: "[PARSE_ERROR] x ╭─[…" (oxc), "Transform failed with
 * 1 error:\n/abs/file.ts:8:7: ERROR: x" (esbuild), "Parse failure: Parse failed with 1 error:\nx\n1: …"
 * (Rolldown), "Parse failure: x\nAt file: …" (Rollup).
 */
function headline(raw: string): string {
  let text = plain(raw)
    .replace(/^Transform failed with \d+ errors?:\s*/, '')
    .replace(/^Parse failure:\s*/, '')
    .replace(/^Parse failed with \d+ errors?:\s*/, '')
  text = text.split('\n').find((line) => line.trim() !== '') ?? ''
  text = text
    .replace(/^\[PARSE_ERROR\]\s*/, '')
    .replace(/^(?:\/|[A-Za-z]:\\)\S+:\d+:\d+: (?:ERROR: )?/, '')
    .trim()
  return text || 'the file does not parse'
}

/** Points at the import statement naming the missing module, in the importing file. */
function importLocation(thrown: ThrownValue): WizardErrorLocation | undefined {
  const message = plain(thrown.message)
  const match =
    /Failed to load url (\S+) \(resolved id: [^)]*\) in (\S+?)\.? Does the file exist/.exec(message) ??
    /Cannot find (?:module|package) '([^']+)' imported from '([^']+)'/.exec(message) ??
    /Failed to resolve import "([^"]+)" from "([^"]+)"/.exec(message)
  if (!match) return undefined
  const [, specifier, importer] = match
  const source = readText(importer)
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

/** The first stack frame inside the project (source positions: Vite maps them back). */
function stackLocation(thrown: ThrownValue, root: string): WizardErrorLocation | undefined {
  for (const line of plain(thrown.stack ?? '')
    .split('\n')
    .slice(1)) {
    const match = STACK_FRAME_RE.exec(line.trim())
    if (!match) continue
    const [, file, lineNo, column] = match
    if (!file.startsWith(root + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue
    return { file, line: Number(lineNo), column: Number(column) }
  }
  return undefined
}

function withFrame(failure: WizardReloadError): WizardReloadError {
  if (failure.loc) {
    const source = readText(failure.loc.file)
    const frame = source === undefined ? '' : createCodeFrame(source, failure.loc.line, failure.loc.column)
    if (frame) failure.frame = frame
  }
  if (failure.stack === undefined) delete failure.stack
  if (failure.loc === undefined) delete failure.loc
  return failure
}

function plainStack(thrown: ThrownValue): string | undefined {
  return thrown.stack === undefined ? undefined : plain(thrown.stack)
}

/** Terminal colour codes removed: messages go to clients and the status endpoint as plain text. */
function plain(text: string): string {
  return stripVTControlCharacters(text)
}

function withoutRoot(text: string, root: string): string {
  return text.replaceAll(root + path.sep, '')
}
