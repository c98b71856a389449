// The workflow this plugin replaces: `tsx watch` of a small HTTP server that imports every wizard at
// start. Measures save → the new wizard answering over HTTP (loopback, bounded polling).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'

const options = args()
const count = Number(options.get('wizards') ?? 10)
const runs = Number(options.get('runs') ?? 5)
const tsxCli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/tsx/dist/cli.mjs')

const project = createBenchProject(count)
const port = await freePort()
const imports: string[] = []
const entries: string[] = []
for (let i = 0; i < count; i++) {
  const name = wizardName(i)
  imports.push(`import { ${name}Wizard } from './wizards/${name.toLowerCase()}_wizard.ts'`)
  entries.push(`  ${name.toLowerCase()}: ${name}Wizard,`)
}
fs.writeFileSync(
  path.join(project.root, 'server.ts'),
  [
    `import http from 'node:http'`,
    ...imports,
    `const wizards: Record<string, new () => { run(): string }> = {`,
    ...entries,
    `}`,
    `http.createServer((req, res) => {`,
    `  const wizard = wizards[(req.url ?? '').slice('/run/'.length)]`,
    `  res.end(wizard ? new wizard().run() : 'missing')`,
    `}).listen(${port}, '127.0.0.1')`,
    ``,
  ].join('\n'),
)

const child = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', 'server.ts'], { cwd: project.root, stdio: 'ignore' })
const samples: number[] = []
try {
  const startedAt = performance.now()
  await waitForBody(`/run/${wizardName(0).toLowerCase()}`, '@v0', 120_000)
  const startupMs = performance.now() - startedAt
  for (let run = 0; run < runs; run++) {
    const index = (run * 7919) % count
    const version = `s${run}`
    const started = performance.now()
    project.writeWizard(index, version)
    await waitForBody(`/run/${wizardName(index).toLowerCase()}`, `@${version}`, 120_000)
    samples.push(performance.now() - started)
  }
  emit({ wizards: count, samples, startupMs })
} finally {
  child.kill('SIGTERM')
  project.remove()
}

/** Polls the server every 5 ms until the body contains `expected` (bounded by `timeoutMs`). */
async function waitForBody(urlPath: string, expected: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${urlPath}`)
      if ((await response.text()).includes(expected)) return
    } catch {
      // restarting: connection refused
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`${urlPath} did not answer "${expected}" within ${timeoutMs} ms`)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}
