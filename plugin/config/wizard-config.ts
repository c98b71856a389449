import fs from 'node:fs'
import type { WizardReloadError } from '../../client/protocol.ts'
import { createCodeFrame } from '../errors/code-frame.ts'
import { displayPath } from '../errors/display-path.ts'
import { bounded } from '../errors/limits.ts'
import { readSignature, type FileSignature } from '../files/file-signature.ts'
import { hashOf } from '../shared/content-hash.ts'
import { configCandidates, configFormatOf, existingConfig, type ConfigFileOption } from './config-location.ts'
import { oversizedConfig } from './config-limits.ts'
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
  /** The file's text as it was read (at most MAX_CONFIG_BYTES): what backends get with this version. */
  text: string
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
  const { wizardFile, root } = options
  const where = configCandidates(wizardFile, root, options.configFile)
  if (!where.ok) return configFailure(where.message, [], undefined, undefined)
  const watch = where.candidates
  const present = existingConfig(watch, root, wizardFile)
  if (!present.ok) return configFailure(present.message, watch, undefined, undefined)
  let text: ConfigText | undefined
  if (present.file !== undefined) {
    try {
      const oversized = oversizedConfig(fs.statSync(present.file).size)
      if (oversized) return configFailure(`${displayPath(root, present.file)} ${oversized}`, watch, present.file, undefined, { line: 1, column: 1 })
      text = { file: present.file, text: fs.readFileSync(present.file, 'utf8') }
    } catch (error) {
      return configFailure(
        `${displayPath(root, present.file)} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        watch,
        present.file,
        undefined,
      )
    }
  }
  return interpretWizardConfig({ ...options, found: text, described: where.described, watch })
}

/** A config file's path and text, as read (where the file was found: a backend gets it sent). */
export interface ConfigText {
  file: string
  text: string
}

export interface ConfigInterpretOptions {
  wizardId: string
  wizardClass: unknown
  root: string
  timeoutMs: number | undefined
  /** The config file found, or undefined when there is none. */
  found: ConfigText | undefined
  /** Where it was looked for, for messages (`wizards/x_wizard.config.{yaml,…}`). */
  described: string
  watch: string[]
}

/** Parses and validates a config's text against the class's schema (or its absence). */
export async function interpretWizardConfig(options: ConfigInterpretOptions): Promise<ConfigLoad> {
  const { wizardId, wizardClass, root, found, watch } = options
  const schema = configSchemaOf(wizardClass)
  if ('problem' in schema) return configFailure(`${wizardId}: ${schema.problem}`, watch, found?.file, undefined)

  if (found === undefined) {
    if (!schema.schema) return { ok: true, config: undefined, value: undefined, watch }
    const validated = await validateConfig(schema.schema, undefined, options.timeoutMs)
    if (validated.ok) return { ok: true, config: undefined, value: validated.value, watch }
    const reason = 'problem' in validated ? validated.problem : validated.issues.map((issue) => issue.message).join('; ')
    return configFailure(
      `${wizardId} has no config file (looked for ${options.described}) and its configSchema requires one: ${reason}`,
      watch,
      undefined,
      undefined,
    )
  }

  const { file, text: raw } = found
  const name = displayPath(root, file)
  const signature = readSignature(file)
  const source = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw // a BOM is not content
  const format = configFormatOf(file)
  if (!format) return configFailure(`${name} is not a config file (it must end with .yaml, .yml, .json, .jsonc or .toml)`, watch, file, undefined)
  const oversized = oversizedConfig(Buffer.byteLength(raw))
  if (oversized) return configFailure(`${name} ${oversized}`, watch, file, undefined, { line: 1, column: 1 })
  const parsed = parseConfig(format, source)
  if (!parsed.ok) return configFailure(`${name}: ${parsed.message}`, watch, file, source, parsed.position)

  const base = { file, hash: hashOf(raw), signature, text: raw }
  if (!schema.schema) return { ok: true, config: { ...base, value: parsed.config.value }, value: parsed.config.value, watch, source: raw }
  const validated = await validateConfig(schema.schema, parsed.config.value, options.timeoutMs)
  if (validated.ok) return { ok: true, config: { ...base, value: validated.value }, value: validated.value, watch, source: raw }
  if ('problem' in validated) return configFailure(`${name}: ${wizardId}: ${validated.problem}`, watch, file, source)
  const [first, ...more] = validated.issues
  const described = validated.issues.slice(0, 3).map((issue) => bounded(`${formatConfigPath(issue.path)}: ${issue.message}`, MAX_ISSUE_CHARS))
  const extra = more.length > 2 ? ` (and ${more.length - 2} more)` : ''
  return configFailure(`${name}: ${described.join('; ')}${extra}`, watch, file, source, parsed.config.locate(first.path))
}

/** One schema issue, as a failure message names it (three at most are named). */
const MAX_ISSUE_CHARS = 500

function configFailure(message: string, watch: string[], at: string | undefined, text: string | undefined, position?: ConfigPosition): ConfigLoad {
  const loc = at && position ? { file: at, line: position.line, column: position.column } : undefined
  const frame = loc && text !== undefined ? createCodeFrame(text, loc.line, loc.column) || undefined : undefined
  const failure: WizardReloadError = { kind: 'config', message, ...(loc ? { loc } : {}), ...(frame ? { frame } : {}) }
  return { ok: false, failure, watch, file: at, source: text }
}
