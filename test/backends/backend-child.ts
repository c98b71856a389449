import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const BACKEND_ENTRY = path.resolve(here, '../../dist/plugin/backend.js')

export interface BackendState {
  connected: boolean
  wizards: Array<{ wizardId: string; version: number; file: string }>
  registrations: Array<{ wizardId: string; version: number; config: unknown }>
  logs: string[]
}

/** A backend process (plain Node running the built entry), driven over IPC. */
export class BackendChild {
  private nextId = 0
  /** Wizards whose register is hanging in it now (see hang()). */
  readonly registering = new Set<string>()
  private readonly waiting = new Map<number, (value: unknown) => void>()
  readonly exited: Promise<number | null>
  /** `started`, or the refusal message when the dev server refused it. */
  readonly started: Promise<{ ok: true } | { ok: false; message: string; logs: string[] }>

  private constructor(readonly child: ChildProcess) {
    child.on('error', () => {}) // an IPC send to a process that just exited (EPIPE)
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    this.started = new Promise((resolve) => {
      child.on('message', (message: { type: string; id?: number; value?: unknown; message?: string; logs?: string[]; wizardId?: string }) => {
        if (message.type === 'registering') this.registering.add(message.wizardId!)
        else if (message.type === 'started') resolve({ ok: true })
        else if (message.type === 'refused') resolve({ ok: false, message: message.message!, logs: message.logs ?? [] })
        else if (message.type === 'answer') {
          this.waiting.get(message.id!)?.(message.value)
          this.waiting.delete(message.id!)
        }
      })
      void this.exited.then(() => resolve({ ok: false, message: 'exited before it started', logs: [] }))
    })
  }

  static spawn(env: { server: string; name: string; root?: string; refuse?: string; wait?: boolean; token?: string }): BackendChild {
    if (!fs.existsSync(BACKEND_ENTRY)) throw new Error(`${BACKEND_ENTRY} is missing: run "npm run build" first`)
    const child = fork(path.join(here, 'backend-process.mjs'), [], {
      env: {
        ...process.env,
        BACKEND_ENTRY,
        DEV_SERVER: env.server,
        BACKEND_NAME: env.name,
        BACKEND_ROOT: env.root ?? '',
        REFUSE_WIZARD: env.refuse ?? '',
        BACKEND_WAIT: env.wait === false ? 'false' : 'true',
        BACKEND_TOKEN: env.token ?? '',
        WIZARD_HOT_RELOAD_TOKEN: '',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    return new BackendChild(child)
  }

  private ask<T>(message: Record<string, unknown>): Promise<T> {
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error('the backend process is gone'))
      this.waiting.set(id, resolve as (value: unknown) => void)
      this.child.send({ ...message, id })
    })
  }

  run(wizardId: string): Promise<{ output?: unknown; version?: number; missing?: boolean; error?: string }> {
    return this.ask({ type: 'run', wizardId })
  }

  /** Keeps an instance of the wizard's registered class (a session). */
  keep(wizardId: string): Promise<unknown> {
    return this.ask({ type: 'keep', wizardId })
  }

  /** Calls a method of the kept instance; `sameClass`: it is still an instance of the registered class. */
  call(wizardId: string, method: string): Promise<{ output: unknown; sameClass: boolean }> {
    return this.ask({ type: 'call', wizardId, method })
  }

  state(): Promise<BackendState> {
    return this.ask({ type: 'state' })
  }

  refuse(wizardId: string): Promise<unknown> {
    return this.ask({ type: 'refuse', wizardId })
  }

  /** From now on, register of `wizardId` never returns (the process is busy in it; `registering` says when). */
  hang(wizardId: string): Promise<unknown> {
    return this.ask({ type: 'hang', wizardId })
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    await Promise.race([this.ask({ type: 'close' }).catch(() => {}), this.exited])
    this.kill()
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal)
  }
}
