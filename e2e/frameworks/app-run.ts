import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import type { Stack } from './stacks.ts'

export const FRAMEWORKS = path.dirname(fileURLToPath(import.meta.url))
const NODE_MODULES = path.join(FRAMEWORKS, 'node_modules')
/** Copies of the apps live inside the workspace (git-ignored), so they resolve its node_modules like the originals. */
const RUNS = path.join(FRAMEWORKS, '.runs')

/** One start of an app's dev server, on a copy of the app. */
export class AppRun {
  readonly url: string
  /** Every line the dev command printed (colours removed). */
  readonly lines: string[] = []
  private exited = false

  private constructor(
    readonly stack: Stack,
    readonly root: string,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`
    const collect = (chunk: Buffer) =>
      this.lines.push(
        ...stripVTControlCharacters(String(chunk))
          .split('\n')
          .filter((line) => line.trim() !== ''),
      )
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.once('exit', () => (this.exited = true))
  }

  /** Copies the app (the shared registry and wizard first, then its own files) and starts its dev command. */
  static start(stack: Stack, port: number, root?: string): AppRun {
    if (!root) {
      fs.mkdirSync(RUNS, { recursive: true })
      root = fs.mkdtempSync(path.join(RUNS, `${stack.app}-`))
      fs.cpSync(path.join(FRAMEWORKS, 'shared'), root, { recursive: true })
      fs.cpSync(path.join(FRAMEWORKS, 'apps', stack.app), root, { recursive: true })
    }
    const { bin, args, env } = stack.command(port)
    const child = spawn(process.execPath, bin ? [path.join(NODE_MODULES, bin), ...args] : args, {
      cwd: root,
      env: { ...process.env, ...env, FORCE_COLOR: '0', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    return new AppRun(stack, root, child, port)
  }

  /**
   * The very first HTTP request the server answers: asked again and again until the port accepts
   * a connection (a refused connection is no answer), bounded.
   */
  async firstResponse(pathname: string, timeoutMs = 60_000): Promise<{ status: number; body: string }> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      if (this.exited) throw new Error(`${this.stack.name} exited before its port opened:\n${this.lines.join('\n')}`)
      try {
        const response = await fetch(new URL(pathname, this.url))
        return { status: response.status, body: await response.text() }
      } catch (error) {
        if (!isRefused(error) || performance.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
  }

  async get(pathname: string): Promise<{ status: number; json: Record<string, unknown> | undefined; body: string }> {
    const response = await fetch(new URL(pathname, this.url))
    const body = await response.text()
    let json: Record<string, unknown> | undefined
    try {
      json = JSON.parse(body) as Record<string, unknown>
    } catch {
      json = undefined
    }
    return { status: response.status, json, body }
  }

  /** The API's answer for a wizard: its output, or the error the app reports. */
  async wizard(id = 'debug'): Promise<string> {
    const { json, status, body } = await this.get(`/api/wizards/${id}`)
    return typeof json?.output === 'string' ? json.output : `HTTP ${status}: ${String(json?.error ?? body).slice(0, 200)}`
  }

  path(relative: string): string {
    return path.join(this.root, relative)
  }

  write(relative: string, content: string): void {
    fs.mkdirSync(path.dirname(this.path(relative)), { recursive: true })
    fs.writeFileSync(this.path(relative), content)
  }

  edit(relative: string, change: (code: string) => string): void {
    const before = fs.readFileSync(this.path(relative), 'utf8')
    const after = change(before)
    if (after === before) throw new Error(`the edit of ${relative} changed nothing`)
    fs.writeFileSync(this.path(relative), after)
  }

  /** The plugin's own terminal lines. */
  pluginLines(): string[] {
    return this.lines.filter((line) => line.includes('[wizard-hot-reload]'))
  }

  /** Stops the dev command (its whole process group), keeping the copy. */
  async stop(): Promise<void> {
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    signal(this.child, 'SIGTERM')
    const killer = setTimeout(() => signal(this.child, 'SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }

  async close(): Promise<void> {
    await this.stop()
    fs.rmSync(this.root, { recursive: true, force: true })
  }
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, name)
  } catch {
    child.kill(name)
  }
}

function isRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ECONNRESET'
}
