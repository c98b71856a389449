import path from 'node:path'
import { WebSocket } from 'ws'
import { describeThrown } from '../errors/thrown-value.ts'
import type { RegisterWizard, UnregisterWizard, WizardClass } from '../types.ts'
import { BackendSocket, MAX_FRAME_BYTES } from '../backend-link/backend-socket.ts'
import { BackendWizards } from './backend-wizards.ts'
import {
  BACKEND_NONCE_HEADER,
  BACKEND_PATH,
  BACKEND_PROTOCOL_VERSION,
  type BackendMessage,
  type ServerMessage,
  type WireOptions,
} from '../backend-link/protocol.ts'
import { RemoteRunner } from './remote-runner.ts'
import { helloOf } from '../backend-link/hello.ts'
import { checkChallenge, findToken, newNonce, sessionKey } from '../backend-link/token.ts'

export interface WizardBackendLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface WizardBackendOptions<C extends WizardClass = WizardClass> {
  /** The dev server's URL, e.g. `http://localhost:5173`. */
  server: string | URL
  /** Registers a wizard in this process; same contract as the plugin's `register` (false / throw / timeout = the previous version stays). */
  register: RegisterWizard<C>
  /** Called when a wizard's file is deleted. */
  unregister?: UnregisterWizard
  /** How the dev server's terminal, overlay and status call this process. @default the script's name (`api` for api.ts) */
  name?: string
  /** The dev server's backend token. @default `WIZARD_HOT_RELOAD_TOKEN`, else the nearest `node_modules/.vite/wizard-hot-reload/backend-token` upwards from `root` */
  token?: string
  /** A file holding the token (a custom Vite `cacheDir`: `<cacheDir>/wizard-hot-reload/backend-token`). */
  tokenFile?: string
  /** Where to start looking for the token file. @default process.cwd() */
  root?: string
  /** Which export is the wizard class. @default a class named `…Wizard` (not `Base…`/`Abstract…`), or an anonymous default export */
  isWizardClass?: (name: string, value: unknown) => boolean
  /**
   * true: the returned promise resolves once every wizard is registered here (waiting for the dev
   * server to come up, if it is not yet). false: at once; `link.ready` resolves then.
   * @default true
   */
  wait?: boolean
  /** Where this process's lines go; false for none. @default console, prefixed `[wizard-hot-reload]` */
  logger?: WizardBackendLogger | false
}

export interface WizardBackendLink {
  /** True while connected to the dev server (what is registered keeps serving either way). */
  readonly connected: boolean
  /** Resolves once the first sync with the dev server is done; rejects when the dev server refused this process. */
  readonly ready: Promise<void>
  /** The wizards registered in this process. */
  wizards(): Array<{ wizardId: string; version: number; file: string }>
  /** Disconnects for good and disposes what is registered (signals aborted, dispose callbacks run); nothing is unregistered. */
  close(): Promise<void>
}

const MIN_RETRY_MS = 200
const MAX_RETRY_MS = 5000

/**
 * Hot-reloads wizards into this Node process (an API, a worker — anything not running inside
 * Vite) from a running Vite dev server with `vite-plugin-wizard-hot-reload`: every wizard is
 * loaded through a module runner in this process (the dev server transforms, this process
 * evaluates) and handed to `register`; on every save the affected wizards are reloaded here too,
 * and the outcome is reported back to the dev server's terminal and overlay. When the dev server
 * restarts or goes away, what is registered keeps serving and the link reconnects, catching up
 * with whatever changed meanwhile.
 *
 * ```ts
 * import { connectWizardHotReload } from 'vite-plugin-wizard-hot-reload/backend'
 * const link = await connectWizardHotReload({ server: 'http://localhost:5173', register, unregister, name: 'api' })
 * ```
 */
export async function connectWizardHotReload<C extends WizardClass = WizardClass>(options: WizardBackendOptions<C>): Promise<WizardBackendLink> {
  const link = new BackendLink(options)
  link.start()
  if (options.wait ?? true) await link.ready
  return link
}

class BackendLink<C extends WizardClass> implements WizardBackendLink {
  readonly ready: Promise<void>
  private resolveReady!: () => void
  private rejectReady!: (error: Error) => void
  private readonly url: URL
  /** The dev server as the user named it (http://…), for messages. */
  private readonly origin: string
  private readonly name: string
  private readonly log: WizardBackendLogger
  private readonly remote = new RemoteRunner()
  private readonly wizards_: BackendWizards<C>
  private wireOptions: WireOptions = { root: process.cwd(), registerTimeout: 5000, loadTimeout: 10_000, history: 20 }
  private socket: BackendSocket | undefined
  /** A connection being made (not open yet): close() ends it too. */
  private connecting: WebSocket | undefined
  private welcomed = false
  private everSynced = false
  private closed = false
  private retryMs = MIN_RETRY_MS
  private retryTimer: NodeJS.Timeout | undefined
  private waitingSaid = false
  /** Server commands run one after another, in the order they came (invoke answers do not wait). */
  private commands: Promise<void> = Promise.resolve()

  constructor(private readonly options: WizardBackendOptions<C>) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    this.ready.catch(() => {}) // a caller with wait: false may not listen
    this.url = backendUrl(options.server)
    this.origin = new URL(options.server).origin
    this.name = options.name ?? defaultName()
    this.log = options.logger === false ? { info() {}, warn() {}, error() {} } : (options.logger ?? consoleLogger())
    if (typeof options.register !== 'function')
      throw new TypeError('connectWizardHotReload: options.register must be a function (wizardId, WizardClass, context) => boolean | void')
    this.wizards_ = new BackendWizards<C>({
      runner: this.remote.runner,
      register: options.register,
      unregister: options.unregister,
      isWizardClass: options.isWizardClass,
      options: () => this.wireOptions,
      warn: (message) => this.log.warn(message),
    })
  }

  get connected(): boolean {
    return this.welcomed && this.socket?.open === true
  }

  wizards(): Array<{ wizardId: string; version: number; file: string }> {
    return this.wizards_.registered()
  }

  start(): void {
    if (this.closed) return
    const token = findToken({ token: this.options.token, tokenFile: this.options.tokenFile, root: this.options.root })
    // The token never travels: our nonce goes out, and what answers must prove it holds the token over both nonces first.
    const nonce = newNonce()
    const headers: Record<string, string> = { [BACKEND_NONCE_HEADER]: nonce }
    const socket = new WebSocket(this.url, { headers, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, handshakeTimeout: 10_000 })
    this.connecting = socket
    socket.on('unexpected-response', (_request, response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      const done = () => {
        const reason = body.trim() || `HTTP ${response.statusCode}`
        this.refused(`the dev server at ${this.origin} refused this backend: ${reason}`, response.statusCode === 404)
        socket.terminate()
      }
      response.once('end', done)
      response.once('error', done)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.waitingSaid) {
        this.waitingSaid = true
        this.log.info(
          `waiting for the dev server at ${this.origin} (${error.code ?? error.message})${this.everSynced ? '; what is registered keeps serving' : ''}`,
        )
      }
    })
    socket.on('open', () => {
      // (It stays `connecting` until the dev server has proven itself: close() ends it either way.)
      if (this.closed) return socket.terminate()
      const wrapped = new BackendSocket(socket)
      let proven = false
      const silent = setTimeout(() => {
        this.log.warn(
          `the server at ${this.origin} sent no challenge within ${CHALLENGE_TIMEOUT_MS / 1000} s: is that this project's dev server (with the plugin's backends on)? Retrying`,
        )
        socket.terminate()
      }, CHALLENGE_TIMEOUT_MS)
      silent.unref()
      socket.once('close', () => clearTimeout(silent))
      wrapped.onMessage((message) => {
        if (proven) return this.onMessage(message as ServerMessage, wrapped)
        // Until the dev server has proven it holds the token, nothing it sends is looked at — let alone run.
        const challenge = message as Partial<Extract<ServerMessage, { type: 'challenge' }>>
        if (challenge.type !== 'challenge') return
        clearTimeout(silent)
        if (!('token' in token)) {
          socket.terminate()
          return this.refused(`cannot connect to the dev server at ${this.origin}: ${token.problem}`, false)
        }
        const checked = checkChallenge(challenge, token.token, nonce, BACKEND_PROTOCOL_VERSION)
        if (!checked.ok && checked.why === 'protocol') {
          socket.terminate()
          return this.refused(
            `the dev server at ${this.origin} speaks backend protocol ${String(checked.protocol)}, this backend ${BACKEND_PROTOCOL_VERSION}: update vite-plugin-wizard-hot-reload in one of them`,
            false,
          )
        }
        if (!checked.ok) {
          socket.terminate()
          return this.refused(
            `the server at ${this.origin} did not prove it holds this backend's token (from ${token.from}): the token is wrong or another project's — or what answers there is not this project's dev server. Nothing was sent or loaded.`,
            false,
          )
        }
        if (this.closed) return socket.terminate()
        proven = true
        if (checked.heartbeatMs > 0) wrapped.expectPings(checked.heartbeatMs)
        this.connecting = undefined
        wrapped.send(helloOf(token.token, nonce, checked.nonce, { name: this.name, wizards: this.wizards_.summary() }))
        // Every later frame, both ways, is signed with this connection's key: nothing can be slipped in.
        wrapped.sign(sessionKey(token.token, nonce, checked.nonce), 'backend')
        this.socket = wrapped
        this.remote.use(wrapped)
      })
    })
    socket.on('close', (code, reason) => {
      if (this.socket?.socket === socket) {
        this.socket = undefined
        this.remote.use(undefined)
      }
      const wasWelcomed = this.welcomed
      this.welcomed = false
      if (this.closed) return
      if (code === 4000 || code === 4001) return this.refused(`the dev server at ${this.origin} refused this backend: ${String(reason)}`, false)
      if (wasWelcomed) {
        this.waitingSaid = true
        this.log.warn(
          `lost the dev server at ${this.origin} (${code === 1012 ? 'it is restarting or stopping' : `code ${code}`}); what is registered keeps serving — reconnecting`,
        )
        this.retryMs = MIN_RETRY_MS
      }
      this.scheduleRetry()
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.retryTimer)
    this.connecting?.terminate()
    this.socket?.close(1000, 'backend closing')
    this.remote.use(undefined) // a load waiting for the dev server fails now, not after the close handshake
    await this.commands
    await this.wizards_.close()
    await this.remote.close()
    this.rejectReady(new Error('connectWizardHotReload: closed before it synced with the dev server'))
  }

  private onMessage(message: ServerMessage, from: BackendSocket): void {
    if (this.closed) return
    if (message.type === 'invoked') return this.remote.answered(message.id, message.result)
    // Commands run one after another; one from a connection that is gone by then is dropped (a reconnect re-syncs).
    this.commands = this.commands
      .then(() => (this.socket === from && !this.closed ? this.handle(message, from) : undefined))
      .catch((error: unknown) => this.log.error(`handling "${message.type}" failed: ${describeThrown(error)}`))
  }

  private async handle(message: ServerMessage, socket: BackendSocket): Promise<void> {
    const reply = (answer: BackendMessage) => (this.socket === socket ? socket.send(answer) : false)
    switch (message.type) {
      case 'welcome': {
        this.wireOptions = message.options
        const outcomes = await this.wizards_.sync(message)
        this.welcomed = true
        this.waitingSaid = false
        this.retryMs = MIN_RETRY_MS
        reply({ type: 'synced', outcomes })
        const failed = outcomes.filter((outcome) => !outcome.ok)
        const loaded = outcomes.filter((outcome) => outcome.ok && outcome.version !== null).length
        this.log.info(
          `${this.everSynced ? 'reconnected to' : 'connected to'} the dev server at ${this.origin} as "${this.name}": ${loaded} wizard${loaded === 1 ? '' : 's'} registered${failed.length ? `, ${failed.length} failed (${failed.map((outcome) => outcome.wizardId).join(', ')})` : ''}`,
        )
        for (const outcome of failed) this.log.error(`${outcome.wizardId} failed: ${outcome.error?.message ?? 'failed'}`)
        this.everSynced = true
        this.resolveReady()
        return
      }
      case 'load':
        return this.report(message.seq, await this.wizards_.load(message.wizard), reply)
      case 'reconfigure':
        return this.report(message.seq, await this.wizards_.reconfigure(message.wizard), reply)
      case 'remove':
        return this.report(message.seq, await this.wizards_.remove(message.wizardId), reply)
      case 'rollback':
        return this.report(message.seq, await this.wizards_.rollback(message.wizardId, message.version), reply)
      default:
        return
    }
  }

  private report(seq: number, outcome: Awaited<ReturnType<BackendWizards['load']>>, reply: (answer: BackendMessage) => unknown): void {
    reply({ type: 'outcome', seq, outcome })
    if (outcome.ok) this.log.info(`${outcome.wizardId} ${outcome.version === null ? 'removed' : `v${outcome.version} registered in ${outcome.durationMs} ms`}`)
    else
      this.log.error(
        `${outcome.wizardId} failed: ${outcome.error?.message ?? 'failed'}${outcome.version !== null ? ` (v${outcome.version} keeps serving here)` : ''}`,
      )
  }

  /** An explicit refusal (token, Host, protocol): fatal before the first sync, retried slowly after. */
  private refused(message: string, notFound: boolean): void {
    const text = notFound ? `${message} — is vite-plugin-wizard-hot-reload (with backends enabled) in that server's config?` : message
    if (!this.everSynced) {
      // Said once: by the rejection when the caller awaits it (with no stack of ours — it is a
      // refusal, not a bug), else (wait: false) by the log.
      if (this.options.wait === false) this.log.error(text)
      this.closed = true
      const refusal = new Error(text)
      refusal.stack = `Error: ${text}`
      this.rejectReady(refusal)
      return
    }
    this.log.error(`${text}; retrying every ${MAX_RETRY_MS / 1000} s`)
    this.retryMs = MAX_RETRY_MS
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.closed) return
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => this.start(), this.retryMs)
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2)
  }
}

const CHALLENGE_TIMEOUT_MS = 10_000

function backendUrl(server: string | URL): URL {
  let base: URL
  try {
    base = new URL(server)
  } catch {
    throw new TypeError(
      `connectWizardHotReload: options.server must be the dev server's URL (like http://localhost:5173), not ${JSON.stringify(String(server))}`,
    )
  }
  if (!/^(?:https?|wss?):$/.test(base.protocol)) throw new TypeError(`connectWizardHotReload: options.server must be an http(s) URL, not ${base.protocol}`)
  const url = new URL(BACKEND_PATH, base)
  url.protocol = base.protocol === 'https:' || base.protocol === 'wss:' ? 'wss:' : 'ws:'
  return url
}

function defaultName(): string {
  const script = process.argv[1]
  return script ? path.basename(script).replace(/\.[cm]?[jt]s$/, '') || `pid-${process.pid}` : `pid-${process.pid}`
}

function consoleLogger(): WizardBackendLogger {
  const prefix = '[wizard-hot-reload]'
  return {
    info: (message) => console.log(`${prefix} ${message}`),
    warn: (message) => console.warn(`${prefix} ${message}`),
    error: (message) => console.error(`${prefix} ${message}`),
  }
}
