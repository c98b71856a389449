import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DevServerConfig } from './dev-server.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../..')

export interface ServerEvent {
  type: 'reloaded' | 'failed' | 'removed'
  wizardId: string
  file: string
  error?: { kind: string; message: string; loc?: { file: string; line: number; column: number } }
}

export interface RegistryView {
  outputs: Record<string, unknown>
  registers: Record<string, number>
  unregisters: Record<string, number>
}

/** A dev server running in a child process (dev-server.ts), and the calls the suite makes to it. */
export class DevServerProcess {
  private stderr = ''
  exitCode: number | null = null

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly root: string,
  ) {
    child.on('exit', (code, signal) => (this.exitCode = code ?? (signal ? 128 : 0)))
  }

  /** Starts a server on a fresh temp project with `files`; resolves once it printed READY (its initial load is done). */
  static async start(
    files: Record<string, string>,
    config: Omit<DevServerConfig, 'root'> & { beforeStart?: (root: string) => void; /** extra node flags for the server process */ nodeFlags?: string[] },
    timeoutMs = 60_000,
  ): Promise<DevServerProcess> {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-reliability-')))
    writeTree(root, files)
    config.beforeStart?.(root)
    const { beforeStart: _unused, ...rest } = config
    // `--import tsx` keeps the flags on this very process (the tsx command re-spawns node without them: no gc()).
    const { nodeFlags = [], ...serverConfig } = rest
    const child = spawn(
      process.execPath,
      ['--expose-gc', ...nodeFlags, '--import', 'tsx', path.join(here, 'dev-server.ts'), JSON.stringify({ ...serverConfig, root })],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)))
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the dev server did not become ready within ${timeoutMs} ms\n${stderr}`)), timeoutMs)
      let stdout = ''
      child.stdout!.on('data', (chunk) => {
        stdout += String(chunk)
        const match = /READY (\d+)/.exec(stdout)
        if (match) {
          clearTimeout(timer)
          resolve(Number(match[1]))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the dev server exited (${code}) before it was ready\n${stderr}`))
      })
    })
    const server = new DevServerProcess(child, port, root)
    child.stderr!.on('data', (chunk) => (server.stderr += String(chunk)))
    return server
  }

  get alive(): boolean {
    return this.exitCode === null
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async get<T>(pathname: string): Promise<T> {
    const response = await fetch(`${this.url}${pathname}`)
    return (await response.json()) as T
  }

  async control(behaviour: Record<string, string>): Promise<void> {
    await fetch(`${this.url}/__control`, { method: 'POST', body: JSON.stringify(behaviour) })
  }

  registry(): Promise<RegistryView> {
    return this.get('/__registry')
  }

  events(): Promise<ServerEvent[]> {
    return this.get('/__events')
  }

  logs(): Promise<string[]> {
    return this.get('/__logs')
  }

  async idle(): Promise<void> {
    await this.get('/__idle')
  }

  /** Resolves once `wizardId` runs `output` (the server answers as soon as it is registered). */
  async waitFor(wizardId: string, output: string): Promise<void> {
    const answer = await this.get<{ ok: boolean; output?: unknown }>(`/__wait?id=${encodeURIComponent(wizardId)}&output=${encodeURIComponent(output)}`)
    if (!answer.ok) throw new Error(`${wizardId} still runs ${JSON.stringify(answer.output)}, expected ${JSON.stringify(output)}`)
  }

  /** `forget`: drop what the harness recorded (events, logs) first, to measure the server's own heap. */
  usage({ forget = false } = {}): Promise<{ heapUsed: number; rss: number; cpuMicros: number; fds: number; gc: boolean }> {
    return this.get(forget ? '/__usage?forget' : '/__usage')
  }

  /** The CPU time the server has used so far (no collection first, unlike `usage`). */
  async cpuMicros(): Promise<number> {
    return (await this.get<{ cpuMicros: number }>('/__cpu')).cpuMicros
  }

  /** The server's own heap, settled: the least of a few samples, each after a full GC (one can catch work in flight). */
  async settledHeap(): Promise<number> {
    let least = Infinity
    for (let i = 0; i < 3; i++) least = Math.min(least, (await this.usage({ forget: true })).heapUsed)
    return least
  }

  path(relative: string): string {
    return path.join(this.root, relative)
  }

  /** Why it died, when it did. */
  get crashReport(): string {
    return this.alive ? '' : `exited with ${this.exitCode}: ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`
  }

  async close(): Promise<void> {
    if (this.alive) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    fs.rmSync(this.root, { recursive: true, force: true })
  }
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
}
