import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface BenchProject {
  root: string
  wizardFile(index: number): string
  writeWizard(index: number, version: string): void
  remove(): void
}

export function wizardName(index: number): string {
  return `W${String(index).padStart(4, '0')}`
}

/** Source of wizard `index` at `version`: a realistic small class importing a shared helper. */
export function wizardSource(index: number, version: string): string {
  const name = wizardName(index)
  return [
    `import { label } from './shared/label.ts'`,
    ``,
    `export class ${name}Wizard {`,
    `  static title = '${name}'`,
    `  static version = '${version}'`,
    `  run(input = ''): string {`,
    `    return label('${name}', '${version}') + input`,
    `  }`,
    `}`,
    ``,
  ].join('\n')
}

/** A temp project with `count` wizards in `wizards/` (one helper shared by all). */
export function createBenchProject(count: number): BenchProject {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `wizard-bench-${count}-`)))
  fs.mkdirSync(path.join(root, 'wizards/shared'), { recursive: true })
  fs.writeFileSync(path.join(root, 'wizards/shared/label.ts'), `export const label = (name: string, version: string) => name + '@' + version\n`)
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><html><head><title>bench</title></head><body><h1>bench</h1></body></html>\n')
  const wizardFile = (index: number) => path.join(root, 'wizards', `${wizardName(index).toLowerCase()}_wizard.ts`)
  for (let i = 0; i < count; i++) fs.writeFileSync(wizardFile(i), wizardSource(i, 'v0'))
  return {
    root,
    wizardFile,
    writeWizard: (index, version) => fs.writeFileSync(wizardFile(index), wizardSource(index, version)),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  }
}

/** Parses `--name value` / `--flag` arguments. */
export function args(): Map<string, string> {
  const map = new Map<string, string>()
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) map.set(argv[i].slice(2), 'true')
    else map.set(argv[i].slice(2), argv[++i])
  }
  return map
}

/** The last line a scenario prints is its result. */
export function emit(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
