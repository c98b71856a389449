import { createHash, randomUUID } from 'node:crypto'
import { jsonFields } from '../errors/error-fields.ts'
import type { WizardBackendsOutcome, BackendStatusEntry, WizardReloadError } from '../../client/protocol.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { readText } from '../files/read-text.ts'
import { hashOf } from '../shared/content-hash.ts'
import { keptVersionUrl } from '../shared/kept-version-url.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'
import { importedFiles, servedCodeHash } from '../vite-internals/module-graph.ts'
import type { RunnableDevEnvironment } from 'vite'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import { ServedFiles } from './served-files.ts'
import {
  BACKEND_PROTOCOL_VERSION,
  type BackendMessage,
  type RemoteError,
  type ServerMessage,
  type WireOptions,
  type WireOutcome,
  type WireWizard,
} from '../backend-link/protocol.ts'

export interface BackendHubOptions {
  /** The environment wizards load in (its graph and `fetchModule` serve the backends' runners). */
  environment: () => RunnableDevEnvironment
  state: WizardStateStore
  options: WireOptions
  /** Resolves once the dev server's initial load is done: a backend is welcomed with the full set. */
  ready: () => Promise<void>
  /** The dev server loaded every wizard at start (`initialLoad`): what it does not list is gone. */
  complete: boolean
  /** Where a wizard's config was looked for, for messages. */
  configDescribed(wizardFile: string): string
  /** Whether the dev server may hand a backend this file (Vite's `server.fs` rules). */
  mayServe(file: string): boolean
  /** A backend's failure as the protocol's failure (the dev server has the sources for frames). */
  classify(error: RemoteError, wizardFile: string): WizardReloadError
  info(message: string): void
  warn(message: string): void
}

type Answer = WireOutcome | 'timeout' | 'disconnected'

/** One connected backend process. */
class Backend {
  name = 'backend'
  pid = 0
  hostname = ''
  welcomed = false
  readonly connectedAt = new Date()
  readonly pending = new Map<number, (answer: Answer) => void>()
  readonly wizards = new Map<string, { version: number | null; ok: boolean; error: string | null; at: Date }>()

  constructor(
    readonly socket: BackendSocket,
    readonly address: string | null,
  ) {}

  record(outcome: WireOutcome, message?: string): void {
    this.wizards.set(outcome.wizardId, {
      version: outcome.version,
      ok: outcome.ok,
      error: outcome.ok ? null : (message ?? outcome.error?.message ?? 'failed'),
      at: new Date(),
    })
  }
}

/**
 * The dev server's side of backend processes: welcomes each (with every registered wizard),
 * serves its module runner's `fetchModule`, tells it what changed and what to load, and collects
 * what each did — bounded by `registerTimeout`, so a dead or stuck backend never holds anything up.
 */
export class BackendHub {
  private readonly backends = new Set<Backend>()
  private seq = 0
  private closed = false
  private readonly session = randomUUID()

  private readonly served: ServedFiles

  constructor(private readonly options: BackendHubOptions) {
    this.served = new ServedFiles(options.environment, options.mayServe)
  }

  get count(): number {
    return [...this.backends].filter((backend) => backend.welcomed).length
  }

  /** A socket that passed the endpoint's checks (Host, no Origin, the token proven), with the hello that proved it. */
  accept(socket: BackendSocket, address: string | null, hello: Extract<BackendMessage, { type: 'hello' }>): void {
    if (this.closed) return socket.close(1001, 'dev server closing')
    const backend = new Backend(socket, address)
    this.backends.add(backend)
    // Whatever a backend sends (a bug, a version mismatch) costs at most a warning, never the dev server.
    const handle = (message: unknown) =>
      void this.onMessage(backend, message as BackendMessage).catch((error: unknown) =>
        this.options.warn(`backend ${backend.name}: a message could not be handled: ${describeThrown(error)}`),
      )
    socket.onMessage(handle)
    handle(hello)
    socket.onClose(() => {
      this.backends.delete(backend)
      for (const resolve of backend.pending.values()) resolve('disconnected')
      backend.pending.clear()
      if (backend.welcomed && !this.closed) this.options.info(`backend ${backend.name} (pid ${backend.pid}) disconnected`)
    })
  }

  /** Each backend loads the wizard's registered code afresh; resolves with how they did (undefined: none connected). */
  load(wizardId: string): Promise<WizardBackendsOutcome | undefined> {
    return this.askAbout(wizardId, 'load')
  }

  /** Each backend registers its current class again with the wizard's new config. */
  reconfigure(wizardId: string): Promise<WizardBackendsOutcome | undefined> {
    return this.askAbout(wizardId, 'reconfigure')
  }

  private askAbout(wizardId: string, type: 'load' | 'reconfigure'): Promise<WizardBackendsOutcome | undefined> {
    const wizard = this.wire(wizardId)
    if (!wizard) return Promise.resolve(undefined)
    return this.ask(wizard.file, (seq) => ({ type, seq, wizard }))
  }

  remove(wizardId: string, file: string): Promise<WizardBackendsOutcome | undefined> {
    return this.ask(file, (seq) => ({ type: 'remove', seq, wizardId }))
  }

  rollback(wizardId: string, file: string, version: number): Promise<WizardBackendsOutcome | undefined> {
    return this.ask(file, (seq) => ({ type: 'rollback', seq, wizardId, version }))
  }

  status(): BackendStatusEntry[] {
    return [...this.backends]
      .filter((backend) => backend.welcomed)
      .map((backend) => ({
        name: backend.name,
        pid: backend.pid,
        hostname: backend.hostname,
        address: backend.address,
        connected_since: backend.connectedAt.toISOString(),
        wizards: Object.fromEntries(
          [...backend.wizards].map(([id, entry]) => [id, { version: entry.version, ok: entry.ok, error: entry.error, at: entry.at.toISOString() }]),
        ),
      }))
  }

  /** Closes every backend's socket (1012: the dev server restarts or stops; backends keep serving and reconnect). */
  close(): void {
    this.closed = true
    for (const backend of this.backends) backend.socket.close(1012, 'dev server closing')
    this.backends.clear()
  }

  private async onMessage(backend: Backend, message: BackendMessage): Promise<void> {
    switch (message?.type) {
      case 'hello':
        return this.welcome(backend, message)
      case 'invoke':
        if (typeof message.name !== 'string' || !Array.isArray(message.data)) return
        // Before the welcome nothing is served (a load still running from before a reconnect fails at once, not after a timeout).
        if (!backend.welcomed)
          return void backend.socket.send({
            type: 'invoked',
            id: message.id,
            result: { error: { name: 'Error', message: 'not synced with the dev server yet' } },
          } satisfies ServerMessage)
        backend.socket.send({ type: 'invoked', id: message.id, result: await this.invoke(message.name, message.data) } satisfies ServerMessage)
        return
      case 'synced': {
        if (!Array.isArray(message.outcomes)) return
        const failed = message.outcomes.filter((outcome) => !outcome.ok)
        for (const outcome of message.outcomes) backend.record(outcome, outcome.ok ? undefined : this.describe(outcome))
        const loaded = message.outcomes.filter((outcome) => outcome.ok && outcome.version !== null).length
        this.options.info(
          `backend ${backend.name} (pid ${backend.pid}${backend.hostname ? ` on ${backend.hostname}` : ''}) connected: ${loaded} wizard${loaded === 1 ? '' : 's'} in sync` +
            (failed.length ? `; ${failed.map((outcome) => `${outcome.wizardId} failed there: ${this.describe(outcome)}`).join('; ')}` : ''),
        )
        return
      }
      case 'outcome': {
        if (typeof message.outcome !== 'object' || message.outcome === null || typeof message.outcome.wizardId !== 'string') return
        const resolve = backend.pending.get(message.seq)
        backend.pending.delete(message.seq)
        backend.record(message.outcome, message.outcome.ok ? undefined : this.describe(message.outcome))
        if (resolve) resolve(message.outcome)
        else if (!message.outcome.ok)
          this.options.warn(`backend ${backend.name}: ${message.outcome.wizardId} failed after the ${this.waitMs()} ms wait: ${this.describe(message.outcome)}`)
        return
      }
      default:
        return
    }
  }

  private async welcome(backend: Backend, hello: Extract<BackendMessage, { type: 'hello' }>): Promise<void> {
    backend.name = typeof hello.name === 'string' && hello.name ? hello.name.slice(0, 100) : 'backend'
    backend.pid = Number(hello.pid) || 0
    backend.hostname = typeof hello.hostname === 'string' ? hello.hostname.slice(0, 200) : ''
    if (hello.protocol !== BACKEND_PROTOCOL_VERSION) {
      this.options.warn(
        `backend ${backend.name} speaks protocol ${hello.protocol}, this dev server ${BACKEND_PROTOCOL_VERSION}: update vite-plugin-wizard-hot-reload in one of them`,
      )
      return backend.socket.close(4000, `protocol ${BACKEND_PROTOCOL_VERSION} expected`)
    }
    await this.options.ready()
    if (this.closed) return
    const wizards = this.options.state
      .registered()
      .map((record) => this.wire(record.wizardId))
      .filter((wizard): wizard is WireWizard => wizard !== undefined)
    const failing = this.options.state
      .all()
      .filter((record) => !record.current)
      .map((record) => record.wizardId)
    backend.welcomed = true
    backend.socket.send({
      type: 'welcome',
      protocol: BACKEND_PROTOCOL_VERSION,
      session: this.session,
      options: this.options.options,
      wizards,
      failing,
      complete: this.options.complete,
    } satisfies ServerMessage)
  }

  /** The module runner's calls: `fetchModule` (only files Vite's `server.fs` rules allow), `getBuiltins`. */
  private async invoke(name: string, data: unknown[]): Promise<{ result: unknown } | { error: unknown }> {
    const environment = this.options.environment()
    if (name === 'fetchModule') {
      const [url, importer, fetchOptions] = data as Parameters<RunnableDevEnvironment['fetchModule']>
      let file: string | undefined
      try {
        const before = await this.served.check(url, importer)
        if (before.refusal) return { error: { name: 'Error', message: before.refusal } }
        file = before.file
        const result = await environment.fetchModule(url, importer, fetchOptions)
        // (What it came back as was already checked when it is the file the request resolved to.)
        const after = 'file' in result && result.file !== file ? this.served.refusalOf(result.file) : undefined
        if (after) return { error: { name: 'Error', message: after } }
        return { result }
      } catch (error) {
        // An error about a forbidden file would quote it (a parse error's message and frame): only the refusal goes out.
        const refused = this.served.refusalOf(file ?? ServedFiles.fileOfError(error))
        return { error: refused ? { name: 'Error', message: refused } : serializeError(error) }
      }
    }
    try {
      return await environment.hot.handleInvoke({ type: 'custom', event: 'vite:invoke', data: { id: `send:${name}`, name, data } })
    } catch (error) {
      return { error: serializeError(error) }
    }
  }

  /** Sends one command to every welcomed backend, in order per wizard, and collects the answers. */
  private ask(file: string, make: (seq: number) => ServerMessage): Promise<WizardBackendsOutcome | undefined> {
    const targets = [...this.backends].filter((backend) => backend.welcomed)
    if (targets.length === 0 || this.closed) return Promise.resolve(undefined)
    // A backend evaluates the code (loadTimeout) and registers it (registerTimeout): at most both, then the event goes out without it.
    const timeout = this.waitMs()
    return Promise.all(
      targets.map(
        (backend) =>
          new Promise<{ backend: Backend; answer: Answer }>((resolve) => {
            const seq = ++this.seq
            const timer = setTimeout(() => {
              backend.pending.delete(seq)
              resolve({ backend, answer: 'timeout' })
            }, timeout)
            backend.pending.set(seq, (answer) => {
              clearTimeout(timer)
              resolve({ backend, answer })
            })
            if (!backend.socket.send(make(seq))) {
              backend.pending.delete(seq)
              clearTimeout(timer)
              resolve({ backend, answer: 'disconnected' })
            }
          }),
      ),
    ).then((answers) => this.summarize(answers, file))
  }

  private summarize(answers: Array<{ backend: Backend; answer: Answer }>, file: string): WizardBackendsOutcome {
    const times: number[] = []
    const failed: WizardBackendsOutcome['failed'] = []
    const wizardId = this.options.state.idOfFile(file)
    for (const { backend, answer } of answers) {
      if (answer === 'timeout') {
        const message = `no answer within ${this.waitMs()} ms (loadTimeout + registerTimeout); it may still finish`
        failed.push({ name: backend.name, error: { kind: 'timeout', message } })
        // The status says so too (its late answer, if any, replaces this).
        if (wizardId) backend.wizards.set(wizardId, { version: backend.wizards.get(wizardId)?.version ?? null, ok: false, error: message, at: new Date() })
      } else if (answer === 'disconnected') failed.push({ name: backend.name, error: { kind: 'register', message: 'disconnected before it answered' } })
      else if (answer.ok) times.push(answer.durationMs)
      else failed.push({ name: backend.name, error: answer.error ? this.options.classify(answer.error, file) : { kind: 'register', message: 'failed' } })
    }
    return { total: answers.length, ok: times.length, minMs: times.length ? Math.min(...times) : null, maxMs: times.length ? Math.max(...times) : null, failed }
  }

  private waitMs(): number {
    const { loadTimeout, registerTimeout } = this.options.options
    return (loadTimeout > 0 ? loadTimeout : registerTimeout) + registerTimeout
  }

  private describe(outcome: WireOutcome): string {
    const file = this.options.state.get(outcome.wizardId)?.file ?? ''
    return outcome.error ? this.options.classify(outcome.error, file).message : 'failed'
  }

  /** A registered wizard as backends get it: its file, version, import closure (with a hash of it) and config text. */
  wire(wizardId: string): WireWizard | undefined {
    const record = this.options.state.get(wizardId)
    const current = record?.current
    if (!record || !current) return undefined
    // Hashes of what the graph serves (a backend gets exactly that, or "cached"), not of the files on disk.
    const environment = this.options.environment()
    // What the dev server serves, not what is on disk: its config text, and for a pinned (rolled-back)
    // version its kept source (served under a query: backend-hub's fetchModule, the plugin's load hook).
    const config = current.config ? { file: current.config.file, text: current.config.text } : null
    const shared = {
      wizardId,
      file: current.file,
      version: current.version,
      config,
      configDescribed: this.options.configDescribed(current.file),
      pinned: record.pinned !== undefined,
    }
    // The version registered is not the file on disk (rolled back, or a later save failed): its own source.
    if (current.source !== undefined && readText(current.file) !== current.source) {
      const url = keptVersionUrl(current.file, current.version)
      return { ...shared, closureHash: `kept-v${current.version}-${hashOf(current.source)}`, closure: [], url }
    }
    const closure = [current.file, ...importedFiles(environment, current.file)].map((file) => ({ file, hash: servedCodeHash(environment, file) }))
    const hash = createHash('sha256')
    for (const { file, hash: fileHash } of closure) hash.update(`${file}\0${fileHash}\0`)
    return { ...shared, closureHash: hash.digest('hex').slice(0, 16), closure }
  }
}

/** An error as JSON (the runner revives it with these fields: message, stack, Vite's loc/frame/plugin/id). */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'Error', message: describeThrown(error) }
  return { name: error.name, message: error.message, stack: error.stack, ...jsonFields(error, ['code', 'id', 'plugin', 'loc', 'frame', 'errors']) }
}
