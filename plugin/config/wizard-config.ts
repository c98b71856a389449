import fs from 'node:fs'
import type { WizardReloadError } from '../../client/protocol.ts'
import { createCodeFrame } from '../errors/code-frame.ts'
import { displayPath } from '../errors/display-path.ts'
import { readSignature, type FileSignature } from '../files/file-signature.ts'
import { hashOf } from '../reload/history.ts'
import { configCandidates, configFormatOf, existingConfig, type ConfigFileOption } from './config-location.ts'
import { parseConfig } from './parse-config.ts'
import type { ConfigPosition } from './parsed-config.ts'
import { configSchemaOf, formatConfigPath, validateConfig } from './standard-schema.ts'

/** The config a version was registered with. */
export interface WizardConfig {
  file: string
  /** What `register` got as `context.config`: the schema's output (defaults, transforms), or the parsed value. */
  value: unknown
  /** sha256 of the source (12 hex digits). */
  hash: string
  signature: FileSignature | null
}

export interface ConfigLoadOptions {
  wizardId: string
  wizardFile: string
  wizardClass: unknown
  root: string
  configFile: ConfigFileOption | undefined
  /** For an async schema; undefined = no limit. */
  timeoutMs: number | undefined
}

/** What a wizard's config loaded as: the config (undefined: it has no file), or a failure of kind `config`. */
export type ConfigLoad =
  | { ok: true; config: WizardConfig | undefined; value: unknown; watch: string[]; /** the file's text (for history and diffs) */ source?: string }
  | { ok: false; failure: WizardReloadError; watch: string[]; file: string | undefined; source: string | undefined }

/** The files a wizard's config may be in (to watch them); none when the option fails for it. */
export function configWatchList(wizardFile: string, root: string, option: ConfigFileOption | undefined): string[] {
  const candidates = configCandidates(wizardFile, root, option)
  return candidates.ok ? candidates.candidates : []
}

/**
 * Finds, reads, parses and validates a wizard's config. Every problem — two candidate files, an
 * unreadable file, a parse error, a schema violation, a schema that throws — is a `config` failure
 * whose location points into the config file when that can be told.
 */
export async function loadWizardConfig(options: ConfigLoadOptions): Promise<ConfigLoad> {
  const { wizardId, wizardFile, wizardClass, root } = options
  const where = configCandidates(wizardFile, root, options.configFile)
  if (!where.ok) return fail(where.message, [], undefined, undefined)
  const watch = where.candidates
  const present = existingConfig(watch, root, wizardFile)
  if (!present.ok) return fail(present.message, watch, undefined, undefined)

  const schema = configSchemaOf(wizardClass)
  if ('problem' in schema) return fail(`${wizardId}: ${schema.problem}`, watch, present.file, undefined)

  if (present.file === undefined) {
    if (!schema.schema) return { ok: true, config: undefined, value: undefined, watch }
    const validated = await validateConfig(schema.schema, undefined, options.timeoutMs)
    if (validated.ok) return { ok: true, config: undefined, value: validated.value, watch }
    const reason = 'problem' in validated ? validated.problem : validated.issues.map((issue) => issue.message).join('; ')
    return fail(`${wizardId} has no config file (looked for ${where.described}) and its configSchema requires one: ${reason}`, watch, undefined, undefined)
  }

  const file = present.file
  const name = displayPath(root, file)
  const signature = readSignature(file)
  let raw: string
  try {
    raw = fs.readFileSync(file, 'utf8')
  } catch (error) {
    return fail(`${name} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, watch, file, undefined)
  }
  const source = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw // a BOM is not content
  const parsed = parseConfig(configFormatOf(file)!, source)
  if (!parsed.ok) return fail(`${name}: ${parsed.message}`, watch, file, source, parsed.position)

  const base = { file, hash: hashOf(raw), signature }
  if (!schema.schema) return { ok: true, config: { ...base, value: parsed.config.value }, value: parsed.config.value, watch, source: raw }
  const validated = await validateConfig(schema.schema, parsed.config.value, options.timeoutMs)
  if (validated.ok) return { ok: true, config: { ...base, value: validated.value }, value: validated.value, watch, source: raw }
  if ('problem' in validated) return fail(`${name}: ${wizardId}: ${validated.problem}`, watch, file, source)
  const [first, ...more] = validated.issues
  const described = validated.issues.slice(0, 3).map((issue) => `${formatConfigPath(issue.path)}: ${issue.message}`)
  const extra = more.length > 2 ? ` (and ${more.length - 2} more)` : ''
  return fail(`${name}: ${described.join('; ')}${extra}`, watch, file, source, parsed.config.locate(first.path))

  function fail(message: string, watchList: string[], at: string | undefined, text: string | undefined, position?: ConfigPosition): ConfigLoad {
    const loc = at && position ? { file: at, line: position.line, column: position.column } : undefined
    const frame = loc && text !== undefined ? createCodeFrame(text, loc.line, loc.column) || undefined : undefined
    const failure: WizardReloadError = { kind: 'config', message, ...(loc ? { loc } : {}), ...(frame ? { frame } : {}) }
    return { ok: false, failure, watch: watchList, file: at, source: text }
  }
}
