/** Wizard sources and the shell lines that write them, for the cases. */

export function wizardSource(className: string, output: string, extra = ''): string {
  return `${extra}export class ${className} {\n  run() {\n    return ${JSON.stringify(output)}\n  }\n}\n`
}

/** A shell command writing `content` to `file` (single-quoted: safe for any content without NUL). */
export function writeCommand(file: string, content: string): string {
  return `printf '%s' ${shellQuote(content)} > ${shellQuote(file)}`
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/** `count` wizard files `w0_wizard.ts` … with output `w<i> <tag>`. */
export function manyWizards(count: number, tag: string, folder = 'wizards'): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`${folder}/w${i}_wizard.ts`] = wizardSource(`W${i}Wizard`, `w${i} ${tag}`)
  return files
}
