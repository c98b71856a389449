/**
 * The dev server under test, in a process of its own (so a crash is an exit the suite sees, and
 * file-system bursts from the suite's process reach it as they would from git). It runs the built
 * package (`dist/`), registers into an in-memory registry, and serves a few control endpoints:
 *
 *   GET  /__registry   { outputs: { id: run() }, registers: { id: n }, unregisters: { id: n } }
 *   GET  /__events     every reloaded / failed / removed event, in order
 *   GET  /__logs       every terminal line (colour codes removed)
 *   GET  /__idle       answers once no reload is queued or running
 *   GET  /__usage      { heapUsed, rss, cpuMicros } after full GCs (?forget: the events and logs
 *                      recorded so far are dropped first, so the heap is the server's, not this harness's)
 *   GET  /__wait?id=&output=   answers once that wizard's run() returns that output (at most 30 s)
 *   POST /__control    { register?, isWizardClass?, wizardId?, listener? }: how the callbacks behave
 *
 * Usage: tsx dev-server.ts '<json DevServerConfig>'; prints "READY <port>" once ready.
 */
import fs, { readFileSync } from 'node:fs'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createLogger, createServer, type Plugin } from 'vite'
import type * as PluginModule from '../../plugin/index.ts'

export interface DevServerConfig {
  root: string
  /** Plugin options (functions are added by `callbacks`). */
  plugin: Record<string, unknown>
  /** Make register / isWizardClass / wizardId / a listener controllable through /__control. */
  callbacks?: boolean
  /** List the plugin a second time (as vite.config.ts plus createServer({ plugins }) would). */
  twice?: boolean
  /** Add a plugin (enforce: 'pre') that loads and transforms wizard code. */
  rewritingPlugin?: boolean
  env?: Record<string, string>
}

const config = JSON.parse(process.argv[2]) as DevServerConfig
Object.assign(process.env, config.env)
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/plugin/index.js')
const { wizardHotReload } = (await import(dist)) as typeof PluginModule

type Behaviour = 'ok' | `throw:${string}` | 'false' | `signal-throw:${string}`
const control: { register: Behaviour; isWizardClass: Behaviour; wizardId: Behaviour; listener: Behaviour } = {
  register: 'ok',
  isWizardClass: 'ok',
  wizardId: 'ok',
  listener: 'ok',
}

/** The values a hostile callback throws, by name. */
function hostile(name: string): unknown {
  switch (name) {
    case 'bigint':
      return 10n
    case 'circular': {
      const loop: Record<string, unknown> = { name: 'loop' }
      loop.self = loop
      return loop
    }
    case 'null-prototype':
      return Object.assign(Object.create(null) as object, { reason: 'bare' })
    case 'proxy': {
      const trap = () => {
        throw new Error('trap')
      }
      return new Proxy({}, { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap, has: trap })
    }
    case 'throwing message getter': {
      const error = new Error('x')
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('getter')
        },
      })
      return error
    }
    default:
      return new Error(name)
  }
}

function act(behaviour: Behaviour): void {
  if (behaviour.startsWith('throw:')) throw hostile(behaviour.slice('throw:'.length))
}

const classes = new Map<string, new () => { run(): unknown }>()
const registers = new Map<string, number>()
const unregisters = new Map<string, number>()
const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1)

const waiters = new Set<() => void>()
const register = (wizardId: string, wizardClass: new () => { run(): unknown }, context?: { signal: AbortSignal }) => {
  bump(registers, wizardId)
  // A registry whose abort listener throws (when this version is left): the next save must not kill the server.
  if (control.register.startsWith('signal-throw:')) {
    const thrown = control.register.slice('signal-throw:'.length)
    context?.signal.addEventListener('abort', () => {
      throw hostile(thrown)
    })
  }
  act(control.register)
  if (control.register === 'false') return false
  classes.set(wizardId, wizardClass)
  queueMicrotask(() => waiters.forEach((check) => check()))
  return true
}

function outputOf(wizardId: string): unknown {
  try {
    const cls = classes.get(wizardId)
    return cls ? new cls().run() : undefined
  } catch (error) {
    return `run() threw ${String(error)}`
  }
}
const unregister = (wizardId: string) => {
  bump(unregisters, wizardId)
  classes.delete(wizardId)
}

const callbacks = config.callbacks
  ? {
      isWizardClass: (name: string, value: unknown) => {
        act(control.isWizardClass)
        return typeof value === 'function' && (name.endsWith('Wizard') || name === 'default')
      },
      wizardId: (file: string) => {
        if (path.basename(file).startsWith('cursed')) act(control.wizardId)
        const match = /^([\w-]+?)(?:_wizard)?\.(?:ts|js)$/.exec(path.basename(file))
        return match && !path.basename(file).startsWith('_') ? match[1].toLowerCase() : null
      },
    }
  : {}

const logs: string[] = []
const logger = createLogger('info', { allowClearScreen: false })
for (const level of ['info', 'warn', 'warnOnce', 'error'] as const) logger[level] = (message: string) => void logs.push(stripVTControlCharacters(message))

const events: unknown[] = []
const plugin = wizardHotReload({ register, unregister, ...callbacks, ...config.plugin })
const api = (plugin as unknown as { api: PluginModule.WizardHotReloadApi }).api
api.addSink({
  reloaded: (payload) => void events.push({ type: 'reloaded', ...payload }),
  failed: (payload) => void events.push({ type: 'failed', ...payload }),
  removed: (payload) => void events.push({ type: 'removed', ...payload }),
})
api.addSink({
  reloaded: () => act(control.listener),
  failed: (async () => act(control.listener)) as () => void,
})

/** Another plugin that loads and transforms wizard code itself (what made one save cause 20 register calls). */
const rewriting: Plugin = {
  name: 'reliability:rewrites-wizards',
  enforce: 'pre',
  load(id) {
    if (id.endsWith('_wizard.ts')) return `// loaded by another plugin\n${readFileSync(id, 'utf8')}`
  },
  transform(code, id) {
    if (id.endsWith('_wizard.ts')) return `${code}\n// transformed by another plugin\n`
  },
}

const controlPlugin: Plugin = {
  name: 'reliability:control',
  configureServer(server) {
    server.middlewares.use(async function reliabilityControl(req, res, next) {
      const url = (req.url ?? '').split('?', 1)[0]
      const json = (body: unknown) => {
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)))
      }
      if (url === '/__registry') {
        const outputs: Record<string, unknown> = {}
        for (const id of classes.keys()) outputs[id] = outputOf(id)
        return json({ outputs, registers: Object.fromEntries(registers), unregisters: Object.fromEntries(unregisters) })
      }
      if (url === '/__wait') {
        const query = new URL(req.url ?? '', 'http://x').searchParams
        const [id, output] = [query.get('id') ?? '', query.get('output')]
        const check = () => {
          if (outputOf(id) !== output) return
          waiters.delete(check)
          clearTimeout(timer)
          json({ ok: true })
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          json({ ok: false, output: outputOf(id) })
        }, 30_000)
        waiters.add(check)
        return check()
      }
      if (url === '/__events') return json(events)
      if (url === '/__logs') return json(logs)
      if (url === '/__idle') return void api.idle().then(() => json({ idle: true }))
      if (url === '/__cpu') {
        const usage = process.cpuUsage()
        return json({ cpuMicros: usage.user + usage.system })
      }
      if (url === '/__usage') {
        // (`url` is the path alone: the query is read from the request's own URL.)
        if (new URL(req.url ?? '', 'http://x').searchParams.has('forget')) {
          events.length = 0
          logs.length = 0
        }
        // Several full GCs: V8 ages its caches of compiled code (each reload compiles a new module) over GCs, not in one.
        // (CPU read first: the collections below are the harness's work, not the server's.)
        const usage = process.cpuUsage()
        const gc = (globalThis as { gc?: () => void }).gc
        for (let i = 0; i < 8; i++) gc?.()
        const fds = fs.readdirSync('/proc/self/fd').length
        return json({
          heapUsed: process.memoryUsage().heapUsed,
          rss: process.memoryUsage().rss,
          cpuMicros: usage.user + usage.system,
          fds,
          gc: gc !== undefined,
        })
      }
      if (url === '/__control' && req.method === 'POST') {
        let body = ''
        for await (const chunk of req) body += String(chunk)
        Object.assign(control, JSON.parse(body))
        return json(control)
      }
      next()
    })
  },
}

const plugins: Plugin[] = [controlPlugin, plugin]
if (config.twice) plugins.push(wizardHotReload({ register, unregister, ...config.plugin }))
if (config.rewritingPlugin) plugins.unshift(rewriting)

const server = await createServer({
  root: config.root,
  configFile: false,
  envDir: false,
  appType: 'spa',
  clearScreen: false,
  customLogger: logger,
  server: { host: '127.0.0.1', port: 0, strictPort: false },
  plugins,
})
await server.listen()
await api.ready
const address = server.httpServer!.address() as { port: number }
process.stdout.write(`READY ${address.port}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
