import type { ConfigFormat } from './config-location.ts'
import { parseGuarded } from './config-limits.ts'
import { parseJson } from './parse-json.ts'
import { parseToml } from './parse-toml.ts'
import { parseYaml } from './parse-yaml.ts'
import type { ParseOutcome } from './parsed-config.ts'

/** Parses a config file's text by its format. Never throws, whatever the text (config-limits.ts). */
export function parseConfig(format: ConfigFormat, source: string): ParseOutcome {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source // a BOM is not content
  return parseGuarded(text, () => parseByFormat(format, text))
}

function parseByFormat(format: ConfigFormat, text: string): ParseOutcome {
  switch (format) {
    case 'yaml':
      return parseYaml(text)
    case 'json':
      return parseJson(text, false)
    case 'jsonc':
      return parseJson(text, true)
    case 'toml':
      return parseToml(text)
  }
}
