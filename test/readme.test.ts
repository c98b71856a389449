import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from './free-port.ts'
import { ReferenceClient } from './reference-ws-client.ts'

/**
 * The README's TypeScript blocks are what users paste: each one typechecks as written (a block
 * headed `// some/path.ts` is that file, so the others can import it), and the middleware-mode and
 * standalone snippets run as written.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
// The Frameworks section's blocks are the framework apps' own files: the framework matrix checks those
// (against the files, typechecked with the frameworks installed: e2e/frameworks.spec.ts).
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]).filter((code) => !code.startsWith('// e2e/frameworks/'))

let project: string
const files = new Map<string, string>()

beforeAll(() => {
  fs.mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true })
  project = fs.mkdtempSync(path.join(repoRoot, '.tmp', 'readme-'))
  blocks.forEach((code, index) => {
    const named = /^\/\/ ([\w./-]+\.ts)\b/.exec(code)?.[1]
    let relative = named ?? `snippet-${index + 1}.ts`
    // A second block for the same file (a variant of vite.config.ts) is checked beside it.
    for (let n = 2; files.has(relative); n++) relative = (named ?? relative).replace(/\.ts$/, `.${n}.ts`)
    files.set(relative, code)
    const file = path.join(project, relative)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, code)
  })
  // What tsx (running the snippets) and tsc (checking them) resolve the package to: its sources.
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        paths: packagePaths,
        moduleResolution: 'bundler',
        module: 'esnext',
        target: 'es2022',
        lib: ['es2023', 'esnext.disposable', 'dom'],
      },
    }),
  )
})
afterAll(() => fs.rmSync(project, { recursive: true, force: true }))

const packagePaths = {
  'vite-plugin-wizard-hot-reload': [path.join(repoRoot, 'plugin/index.ts')],
  'vite-plugin-wizard-hot-reload/client': [path.join(repoRoot, 'client/api.ts')],
  'vite-plugin-wizard-hot-reload/backend': [path.join(repoRoot, 'plugin/backend.ts')],
}
const compilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  types: ['node', 'vite/client'],
  jsx: 'preserve' as const,
}

test('the README has the snippets this test expects', () => {
  expect([...files.keys()]).toEqual(
    expect.arrayContaining(['vite.config.ts', 'server/registry.ts', 'wizards/debug_wizard.ts', 'server.ts', 'reload-by-hand.ts', 'src/wizard-events.ts']),
  )
})

test('every TypeScript block in the README typechecks as written', () => {
  const program = ts.createProgram(
    [...files.keys()].map((relative) => path.join(project, relative)),
    {
      ...compilerOptions,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      jsx: ts.JsxEmit.Preserve,
      paths: packagePaths,
      baseUrl: project,
    },
  )
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file?.fileName.startsWith(project) ?? true)
  const report = diagnostics.map((diagnostic) => {
    const where = diagnostic.file
      ? `${path.relative(project, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
      : ''
    return `${where} TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
  })
  expect(report).toEqual([])
})

const tsx = path.join(repoRoot, 'node_modules/.bin/tsx')

function run(file: string, env: Record<string, string> = {}): { output: () => string; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(tsx, [file], { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += String(chunk)))
  child.stderr.on('data', (chunk) => (output += String(chunk)))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { output: () => output, exited, kill: () => child.kill('SIGKILL') }
}

test('the standalone snippet (WizardReloader, WizardFileWatcher) runs as written', async () => {
  const { output, exited } = run('reload-by-hand.ts')
  expect(await exited).toBe(0)
  expect(output()).toMatch(/^✓ debug reloaded in [\d.]+ ms 1$/m)
}, 60_000)

test('the middleware-mode snippet runs as written: the status endpoint and the WebSocket answer on its server', async () => {
  const port = await freePort()
  const server = run('server.ts', { PORT: String(port) })
  try {
    const status = await expect
      .poll(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/hot-reload/status`).catch(() => undefined)
          return response?.ok ? ((await response.json()) as { enabled: boolean; wizards: Record<string, unknown> }) : undefined
        },
        { timeout: 30_000 },
      )
      .toMatchObject({ enabled: true, wizards: { debug: { last_error: null } } })
    void status
    const client = await ReferenceClient.connect(`ws://127.0.0.1:${port}/ws/hot-reload`)
    await expect.poll(() => client.of('connected')).toHaveLength(1)
    client.close()
    expect(server.output()).not.toMatch(/listed twice/)
  } finally {
    server.kill()
    await server.exited
  }
}, 60_000)

test('every image and local link the README shows exists in the repository (tracked by git)', async () => {
  const { execFileSync } = await import('node:child_process')
  // In a checkout, what git tracks; in a copy of the tracked files (CI's Vite 7 run), what is there.
  let tracked: Set<string> | undefined
  try {
    tracked = new Set(execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n'))
  } catch {
    tracked = undefined
  }
  const present = (target: string) =>
    (tracked ? tracked.has(target) : fs.existsSync(path.join(repoRoot, target))) || fs.existsSync(path.join(repoRoot, target, '.'))
  const targets = [...readme.matchAll(/\]\(((?!https?:|#|mailto:)[^)\s]+)\)/g)].map((match) => decodeURI(match[1].split('#')[0]))
  expect(targets.filter((target) => target.endsWith('.png')).length).toBeGreaterThan(5)
  expect(targets.filter((target) => !present(target))).toEqual([])
})
