import { createNodeImportMeta, ModuleRunner } from 'vite/module-runner'
import { BACKEND_RUNNER_MARK } from '../registry/bridge.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'

type RunnerTransport = NonNullable<ConstructorParameters<typeof ModuleRunner>[0]['transport']>

/** How long one `fetchModule` may take over the socket before the import fails. */
const INVOKE_TIMEOUT_MS = 60_000

/**
 * A module runner in this (backend) process whose transport is the backend's socket: the dev
 * server resolves and transforms each module (`fetchModule`), this process evaluates it. It
 * outlives reconnects (what it evaluated keeps serving); a call made while disconnected fails at
 * once. HMR is on for `import.meta.hot.dispose` / `data` in wizard modules — the backend decides
 * when they run, as the dev server does in its own process.
 */
export class RemoteRunner {
  readonly runner: ModuleRunner
  private socket: BackendSocket | undefined
  private nextId = 0
  private readonly waiting = new Map<number, { resolve: (value: { result: unknown } | { error: unknown }) => void; timer: NodeJS.Timeout }>()

  constructor() {
    this.runner = new ModuleRunner({
      transport: this.transport(),
      hmr: { logger: false },
      sourcemapInterceptor: 'node',
      // A registry module evaluated here (a wizard imports it) must not connect a second link.
      createImportMeta: async (modulePath) => Object.assign(await createNodeImportMeta(modulePath), { [BACKEND_RUNNER_MARK]: true }),
    })
  }

  /**
   * Vite's public `ModuleRunnerTransport`: the runner calls `invoke` with its invoke payload
   * (`{ type: 'custom', event: 'vite:invoke', data: { name, data } }`); the call travels over this
   * backend's signed socket and the dev server answers it (backend-hub, after `server.fs` checks).
   */
  private transport(): RunnerTransport {
    return {
      invoke: (payload) => this.invoke((payload as { data: { name: string; data: unknown[] } }).data),
      // No HMR payloads travel here (the backend's own protocol says what to reload); connecting gives modules `import.meta.hot`.
      connect: () => {},
      send: () => {},
      timeout: INVOKE_TIMEOUT_MS,
    }
  }

  /** The socket calls go over from now on (undefined: disconnected — calls fail until the next one). */
  use(socket: BackendSocket | undefined): void {
    this.socket = socket
    if (!socket) this.failWaiting('the connection to the dev server was lost')
  }

  /** The dev server's answer to one call. */
  answered(id: number, result: { result: unknown } | { error: unknown }): void {
    const entry = this.waiting.get(id)
    if (!entry) return
    this.waiting.delete(id)
    clearTimeout(entry.timer)
    entry.resolve(result)
  }

  async close(): Promise<void> {
    this.failWaiting('the backend is closing')
    await this.runner.close()
  }

  private invoke({ name, data }: { name: string; data: unknown[] }): Promise<{ result: unknown } | { error: unknown }> {
    const id = ++this.nextId
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.answered(id, { error: { name: 'Error', message: `the dev server did not answer ${name} within ${INVOKE_TIMEOUT_MS / 1000} s` } }),
        INVOKE_TIMEOUT_MS,
      )
      this.waiting.set(id, { resolve, timer })
      if (!this.socket?.send({ type: 'invoke', id, name, data }))
        this.answered(id, { error: { name: 'Error', message: `not connected to the dev server (${name})` } })
    })
  }

  private failWaiting(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.answered(id, { error: { name: 'Error', message: reason } })
  }
}
