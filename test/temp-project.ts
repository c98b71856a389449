import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createLogger, createServer, type InlineConfig, type Logger, type Plugin, type PluginOption, type ViteDevServer } from 'vite'
import { wizardHotReload, type WizardHotReloadApi } from '../plugin/plugin.ts'
import type { WizardHotReloadOptions } from '../plugin/options.ts'
import type { RegisterContext } from '../plugin/types.ts'
import { stripVTControlCharacters as stripAnsi } from 'node:util'
import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload } from '../client/protocol.ts'

export type RecordedEvent =
  { type: 'reloaded'; payload: WizardReloadedPayload } | { type: 'failed'; payload: WizardFailedPayload } | { type: 'removed'; payload: WizardRemovedPayload }

type AnyClass = new (...args: never[]) => { run?: () => unknown }

/** A registry like a backend's: records every call, keeps the current class per id. */
export class TestRegistry {
  readonly classes = new Map<string, AnyClass>()
  readonly calls: Array<{ type: 'register' | 'unregister'; wizardId: string; className?: string }> = []
  /** The third argument of every register call. */
  readonly contexts: Array<{ wizardId: string; context: RegisterContext }> = []
  /** Replace to make register fail, throw or hang. */
  behaviour: (wizardId: string, context?: RegisterContext) => boolean | Promise<boolean> = () => true

  register = async (wizardId: string, wizardClass: unknown, context?: RegisterContext): Promise<boolean> => {
    const cls = wizardClass as AnyClass
    this.calls.push({ type: 'register', wizardId, className: classNameOf(cls) })
    if (context) this.contexts.push({ wizardId, context })
    const ok = await this.behaviour(wizardId, context)
    if (ok) this.classes.set(wizardId, cls)
    return ok
  }

  unregister = (wizardId: string): void => {
    this.calls.push({ type: 'unregister', wizardId })
    this.classes.delete(wizardId)
  }

  /** Instantiates the registered class and calls `run()`. */
  run(wizardId: string): unknown {
    const cls = this.classes.get(wizardId)
    if (!cls) return undefined
    return new cls().run?.()
  }

  registerCount(wizardId: string): number {
    return this.calls.filter((call) => call.type === 'register' && call.wizardId === wizardId).length
  }
}

function classNameOf(cls: AnyClass): string {
  try {
    return cls.name
  } catch {
    return '(name getter threw)'
  }
}

export interface TempProject {
  root: string
  server: ViteDevServer
  registry: TestRegistry
  /** Every line the Vite logger printed (colour codes removed). */
  logs: string[]
  api: WizardHotReloadApi
  /** Every reloaded / failed / removed event, in order. */
  events: RecordedEvent[]
  path(relative: string): string
  write(relative: string, content: string): void
  /** Editor-style save: write a temp file next to it, then rename it over the original. */
  atomicWrite(relative: string, content: string): void
  remove(relative: string): void
  rename(from: string, to: string): void
  /** Stops the dev server, keeping the folder (to start another on it). */
  stop(): Promise<void>
  close(): Promise<void>
}

export interface TempProjectOptions {
  files: Record<string, string>
  plugin?: WizardHotReloadOptions
  /** Use `registry` as the plugin's register/unregister (default true). */
  useTestRegistry?: boolean
  /** Start the HTTP server on 127.0.0.1 with a free port (default false: middleware mode). */
  listen?: boolean
  /** Middleware mode with HMR on (the module runner then gives modules `import.meta.hot`). @default false */
  hmr?: boolean
  vite?: InlineConfig
  /** Other plugins on the same server, after this one (or before it, with enforce: 'pre'). */
  plugins?: PluginOption[]
  env?: Record<string, string>
  /** Called with the project folder once its files are written, before the server starts. */
  beforeStart?: (root: string) => void
  /** Use this folder (a restart of an earlier project) instead of a new temp one. */
  root?: string
}

export function makeTempDir(prefix = 'wizard-hot-reload-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
}

export function capturingLogger(logs: string[]): Logger {
  const logger = createLogger('info', { allowClearScreen: false })
  const keep = (msg: string) => logs.push(stripAnsi(msg))
  logger.info = keep
  logger.warn = keep
  logger.warnOnce = keep
  logger.error = keep
  return logger
}

export async function startTempProject(options: TempProjectOptions): Promise<TempProject> {
  const root = options.root ?? makeTempDir()
  writeFiles(root, options.files)
  options.beforeStart?.(root)
  const registry = new TestRegistry()
  const logs: string[] = []
  const useTestRegistry = options.useTestRegistry ?? true
  const plugin = wizardHotReload({
    dirs: ['wizards'],
    delay: 10,
    ...(useTestRegistry ? { register: registry.register, unregister: registry.unregister } : {}),
    ...options.plugin,
  })
  // Before the server starts: the initial load (failures included) is over when createServer resolves.
  const events: RecordedEvent[] = []
  apiOf(plugin).addSink({
    reloaded: (payload: WizardReloadedPayload) => void events.push({ type: 'reloaded', payload }),
    failed: (payload: WizardFailedPayload) => void events.push({ type: 'failed', payload }),
    removed: (payload: WizardRemovedPayload) => void events.push({ type: 'removed', payload }),
  })
  const savedEnv = { ...process.env }
  Object.assign(process.env, options.env)
  let server: ViteDevServer
  try {
    server = await createServer({
      root,
      configFile: false,
      envDir: false,
      appType: 'custom',
      customLogger: capturingLogger(logs),
      clearScreen: false,
      server: options.listen
        ? { host: '127.0.0.1', port: 0, strictPort: false, ws: undefined }
        : { middlewareMode: true, hmr: options.hmr ?? false, ws: false },
      ...options.vite,
      plugins: [plugin, ...(options.plugins ?? [])],
    })
    if (options.listen) await server.listen()
  } finally {
    process.env = savedEnv
  }
  const api = apiOf(plugin)
  await api.ready
  const abs = (relative: string) => path.join(root, relative)
  return {
    root,
    server,
    registry,
    logs,
    api,
    events,
    path: abs,
    write: (relative, content) => writeFiles(root, { [relative]: content }),
    atomicWrite(relative, content) {
      const target = abs(relative)
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}`)
      fs.writeFileSync(temp, content)
      fs.renameSync(temp, target)
    },
    remove: (relative) => fs.rmSync(abs(relative), { recursive: true, force: true }),
    rename: (from, to) => fs.renameSync(abs(from), abs(to)),
    stop: () => server.close(),
    async close() {
      await server.close()
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}

/**
 * A dev server in middleware mode (the app serves its middlewares) on a fresh folder with one wizard,
 * `debug` returning 'v1'; `server` says how its HMR runs. The caller wires and closes the app's server.
 */
export async function middlewareModeProject(server: NonNullable<InlineConfig['server']>) {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
  const registry = new TestRegistry()
  const plugin = wizardHotReload({ dirs: ['wizards'], delay: 0, register: registry.register })
  const vite = await createServer({
    root,
    configFile: false,
    envDir: false,
    appType: 'custom',
    customLogger: capturingLogger([]),
    server: { ...server, middlewareMode: true },
    plugins: [plugin],
  })
  return { root, registry, plugin, vite }
}

/** The plugin's public API object. */
export function apiOf(plugin: Plugin): WizardHotReloadApi {
  return (plugin as unknown as { api: WizardHotReloadApi }).api
}

/** A wizard module whose `run()` returns `output`. */
export function wizardSource(className: string, output: string, extra = ''): string {
  return `${extra}\nexport class ${className} {\n  run(): string {\n    return ${JSON.stringify(output)}\n  }\n}\n`
}

interface EventPayloads {
  reloaded: WizardReloadedPayload
  failed: WizardFailedPayload
  removed: WizardRemovedPayload
}

/** The last event of a type for a wizard. */
export function lastEvent<T extends keyof EventPayloads>(events: RecordedEvent[], type: T, wizardId: string): EventPayloads[T] | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]
    if (event.type === type && event.payload.wizardId === wizardId) return event.payload as EventPayloads[T]
  }
  return undefined
}
