import path from 'node:path'
import { callGuarded } from '../shared/attempt.ts'
import { displayPath } from '../errors/display-path.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { isFile } from '../files/read-text.ts'

export type ConfigFormat = 'yaml' | 'json' | 'jsonc' | 'toml'

/** The extensions a config file may have, in the order candidates are listed. */
export const CONFIG_EXTENSIONS: ReadonlyArray<readonly [string, ConfigFormat]> = [
  ['.yaml', 'yaml'],
  ['.yml', 'yaml'],
  ['.json', 'json'],
  ['.jsonc', 'jsonc'],
  ['.toml', 'toml'],
]

/** Maps a wizard file to its config file (absolute, or relative to the Vite root); null = it has none. */
export type ConfigFileOption = (wizardFile: string) => string | null | undefined

export function configFormatOf(file: string): ConfigFormat | undefined {
  const lower = file.toLowerCase()
  return CONFIG_EXTENSIONS.find(([extension]) => lower.endsWith(extension))?.[1]
}

/** `wizards/debug_wizard.ts` → `wizards/debug_wizard.config.{yaml,yml,json,jsonc,toml}`. */
export function defaultConfigCandidates(wizardFile: string): string[] {
  const base = wizardFile.slice(0, wizardFile.length - path.extname(wizardFile).length)
  return CONFIG_EXTENSIONS.map(([extension]) => `${base}.config${extension}`)
}

/** Where a wizard's config may be: the files to watch, and a description for messages. */
export type ConfigCandidates = { ok: true; candidates: string[]; described: string } | { ok: false; message: string }

/** The paths a wizard's config may have — the default rule, or the `configFile` option's answer. */
export function configCandidates(wizardFile: string, root: string, option: ConfigFileOption | undefined): ConfigCandidates {
  if (!option) {
    const candidates = defaultConfigCandidates(wizardFile)
    const base = displayPath(root, candidates[0]).replace(/\.yaml$/, '')
    return { ok: true, candidates, described: `${base}.{${CONFIG_EXTENSIONS.map(([extension]) => extension.slice(1)).join(',')}}` }
  }
  const called = callGuarded(() => option(wizardFile))
  if (!called.ok) return { ok: false, message: `the configFile option threw for ${displayPath(root, wizardFile)}: ${describeThrown(called.thrown)}` }
  const answer: unknown = called.value
  if (answer === null || answer === undefined) return { ok: true, candidates: [], described: 'none (the configFile option returned null)' }
  if (typeof answer !== 'string' || answer === '')
    return {
      ok: false,
      message: `the configFile option returned ${typeof answer === 'string' ? 'an empty string' : typeof answer} for ${displayPath(root, wizardFile)}; expected a path or null`,
    }
  const file = path.resolve(root, answer)
  if (!configFormatOf(file))
    return {
      ok: false,
      message: `the configFile option returned ${displayPath(root, file)} for ${displayPath(root, wizardFile)}: a config file ends with ${CONFIG_EXTENSIONS.map(([extension]) => extension).join(', ')}`,
    }
  return { ok: true, candidates: [file], described: displayPath(root, file) }
}

/** Which of the candidates exist: none, one, or — a failure — several. */
export function existingConfig(
  candidates: string[],
  root: string,
  wizardFile: string,
): { ok: true; file: string | undefined } | { ok: false; message: string } {
  const present = candidates.filter(isFile)
  if (present.length <= 1) return { ok: true, file: present[0] }
  const names = present.map((file) => displayPath(root, file))
  return { ok: false, message: `${displayPath(root, wizardFile)} has ${present.length} config files: ${names.join(' and ')}; keep one` }
}
