import fs from 'node:fs'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { loadEnv, type Plugin, type ResolvedConfig, type ViteDevServer } from 'vite'
import type { HotReloadStatus, WizardActionResult, WizardHistoryEntry } from '../client/protocol.ts'
import { DevSession } from './dev-session.ts'
import { WatchedDirs } from './files/watched-dirs.ts'
import type { WizardEventSink } from './notify/event-sink.ts'
import {
  locateOverlayBundle,
  MISSING_BUNDLE_MESSAGE,
  OVERLAY_BUNDLE_PUBLIC_PATH,
  OVERLAY_BUNDLE_VIRTUAL_ID,
  OVERLAY_PUBLIC_PATH,
  OVERLAY_VIRTUAL_ID,
  overlayModuleCode,
  overlayScriptTag,
} from './notify/overlay-module.ts'
import { debug } from './debug.ts'
import { describeThrown } from './errors/thrown-value.ts'
import { ProblemLog } from './notify/problem-log.ts'
import { statusMiddleware } from './notify/status-endpoint.ts'
import { LOG_PREFIX } from './notify/terminal-log.ts'
import type { UpgradeableServer } from './notify/ws-endpoint.ts'
import { resolveOptions, type ResolvedWizardHotReloadOptions, type WizardHotReloadOptions } from './options.ts'
import type { WizardClass } from './types.ts'
import { TOKEN_FILE } from './backend-link/protocol.ts'
import { denyServing } from './vite-internals/fs-rules.ts'
import { isViteClient, loadAfterViteClient } from './vite-internals/vite-client.ts'

export const PLUGIN_NAME = 'vite-plugin-wizard-hot-reload'

/** What `plugin.api` offers tools and tests that sit next to the plugin. Stable across dev-server restarts. */
export interface WizardHotReloadApi {
  /** The resolved options (after environment variables), once the config is resolved. */
  readonly options: ResolvedWizardHotReloadOptions | undefined
  /** Resolves once the running dev server's watcher is ready and its initial load is done (at once when none runs). */
  readonly ready: Promise<void>
  /** Resolves once no reload is queued or running. */
  idle(): Promise<void>
  /** What the status endpoint answers. */
  getStatus(): HotReloadStatus
  /** A wizard's last reload attempts, oldest first: versions, outcomes, timings, source hashes (no classes, no source). */
  history(wizardId: string): WizardHistoryEntry[]
  /**
   * Registers a kept version of a wizard again (transactional: if `register` refuses, nothing
   * changes) and pins it until its file's next save. Never writes your files.
   */
  rollback(wizardId: string, version: number): Promise<WizardActionResult>
  /** Rolls back to the version registered before the current one. */
  undo(wizardId: string): Promise<WizardActionResult>
  /** Reloads the wizard's file now (unpinning it). */
  retry(wizardId: string): Promise<WizardActionResult>
  /** Receives every reloaded / failed / removed / rolled-back event, across server restarts; returns a function that removes it. */
  addSink(sink: WizardEventSink): () => void
  /**
   * Serves the reference WebSocket endpoint on your own HTTP server (middleware mode, where Vite
   * has none). Survives server restarts. Returns a function that detaches it.
   */
  attach(httpServer: UpgradeableServer): () => void
}

/** @internal for the tests and benchmarks of this repository */
export const sessions = new WeakMap<WizardHotReloadApi, () => DevSession | undefined>()

/**
 * Hot-reloads wizard classes through the dev server's module graph.
 *
 * ```ts
 * plugins: [wizardHotReload({ dirs: ['wizards'], register: registerWizard })]
 * ```
 */
export function wizardHotReload<C extends WizardClass = WizardClass>(rawOptions: WizardHotReloadOptions<C> = {}): Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi } {
  let config: ResolvedConfig | undefined
  let resolvedOptions: ResolvedWizardHotReloadOptions | undefined
  let session: DevSession | undefined
  /** Set when this is not the first instance of the plugin in the config: it then does nothing. */
  let inert = false
  /** No other plugin has a load hook: the plugin may hand Vite the wizard source it just read. */
  let servesSources = false
  const problems = new ProblemLog()
  // On restart Vite creates the new server before closing the old one: find a session by its server's environment.
  const sessionsByEnvironment = new WeakMap<object, DevSession>()
  // Configs of servers that run a copy of this plugin object (React Router's child compiler spreads
  // plugins: `{ ...plugin }`). The copy shares this closure: it must leave everything alone.
  const copiedInto = new WeakSet<ResolvedConfig>()

  // Resolved on first use, so `vite preview` (which never starts a dev server) prints no warnings.
  const getOptions = (): ResolvedWizardHotReloadOptions | undefined => {
    if (resolvedOptions || !config || inert) return resolvedOptions
    const resolved = config
    // `.env` files may set HOT_RELOAD_* too; process.env wins over them, as in Vite.
    const env = { ...process.env, ...(resolved.envDir === false ? {} : loadEnv(resolved.mode, resolved.envDir, 'HOT_RELOAD_')) }
    // Option warnings are advice; a user callback that fails when called is a problem (the status's last_error).
    const warn = (message: string) => resolved.logger.warn(`${LOG_PREFIX} ${message}`, { timestamp: true })
    const problem = (message: string) => {
      problems.record(message)
      warn(message)
    }
    resolvedOptions = resolveOptions(rawOptions, { root: resolved.root, env, warn, problem })
    return resolvedOptions
  }

  // Vite's own watcher must not scan the wizard folders: ours does (see WizardFileWatcher).
  let ownedDirs: WatchedDirs | undefined
  const isOwnedByPlugin = (file: string): boolean => {
    const options = getOptions()
    if (!options || !config) return false
    ownedDirs ??= new WatchedDirs(options.dirs, options.dirAliases)
    return ownedDirs.containsAnyAlias(path.resolve(config.root, file))
  }

  // HTTP servers the user attached (middleware mode); every new session serves them too.
  const attachedServers = new Map<UpgradeableServer, () => void>()
  const sinks = new Map<WizardEventSink, () => void>()

  const api: WizardHotReloadApi = {
    get options() {
      return getOptions()
    },
    get ready() {
      return session?.ready ?? Promise.resolve()
    },
    idle() {
      return session?.idle() ?? Promise.resolve()
    },
    getStatus() {
      return session?.getStatus() ?? { enabled: false }
    },
    history(wizardId) {
      return session?.history.entries(wizardId) ?? []
    },
    rollback(wizardId, version) {
      return session?.rollback(wizardId, version) ?? noServer(wizardId)
    },
    undo(wizardId) {
      return session?.undo(wizardId) ?? noServer(wizardId)
    },
    retry(wizardId) {
      return session?.retry(wizardId) ?? noServer(wizardId)
    },
    addSink(sink) {
      if (!sinks.has(sink)) sinks.set(sink, session?.addSink(sink) ?? (() => {}))
      return () => {
        sinks.get(sink)?.()
        sinks.delete(sink)
      }
    },
    attach(httpServer) {
      if (!attachedServers.has(httpServer)) attachedServers.set(httpServer, session?.attachWebSocket(httpServer) ?? (() => {}))
      // Off: the path answers 404 on this server too (attached after the dev server started, as in middleware mode).
      const options = session ? getOptions() : undefined
      if (options && !options.enabled && options.wsPath !== false) refuseUpgrades(httpServer, options.wsPath)
      return () => {
        attachedServers.get(httpServer)?.()
        attachedServers.delete(httpServer)
      }
    },
  }
  sessions.set(api, () => session)

  const plugin: Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi } = {
    name: PLUGIN_NAME,
    apply: 'serve',
    api,

    config(userConfig) {
      return {
        // (`watch: null` turns Vite's watcher off; adding `ignored` would turn it back on.)
        server: userConfig.server?.watch === null ? {} : { watch: { ignored: [isOwnedByPlugin] } },
        // The client API reads `import.meta.hot`, which Vite only injects into modules it serves itself.
        optimizeDeps: { exclude: [`${PLUGIN_NAME}/client`] },
      }
    },

    configResolved(resolved) {
      const listed = resolved.plugins.filter((candidate) => candidate.name === PLUGIN_NAME)
      if (!listed.includes(plugin) && listed.some((candidate) => (candidate as Partial<typeof plugin>).api === api)) {
        copiedInto.add(resolved)
        return
      }
      config = resolved
      resolvedOptions = undefined
      ownedDirs = undefined
      // Listed twice (vite.config.ts and createServer({ plugins }), say): the first one runs, this one stays out of the way.
      const first = resolved.plugins.find((candidate) => candidate.name === PLUGIN_NAME)
      inert = first !== undefined && first !== plugin
      // Vite's own plugins never load a plain module file; another plugin's load hook is left to do its work.
      // (A second, inert instance of this plugin does not count.)
      servesSources = !resolved.plugins.some((other) => other !== plugin && other.name !== PLUGIN_NAME && other.load !== undefined && !/^(?:vite|builtin):/.test(other.name))
      // The backends' secret sits under the cache folder, inside the project: never served over HTTP (a page could read it).
      // (The session checks it took: if not, the backend endpoint stays off.)
      if (!inert && resolved.command === 'serve') denyServing(resolved, path.join(resolved.cacheDir, path.dirname(TOKEN_FILE)))
      if (inert && resolved.command === 'serve') {
        resolved.logger.warn(
          `${LOG_PREFIX} the plugin is listed twice on this server (for example in vite.config.ts and again in createServer({ plugins })); ` +
            `this second instance does nothing and its options are ignored. Remove one — with createServer(), pass configFile: false when you list the plugins inline.`,
          { timestamp: true },
        )
      }
    },

    // 'pre': the session exists before other plugins' configureServer (a framework may load the app
    // there), and the status endpoint comes before their middlewares, whatever the plugin order.
    configureServer: {
      order: 'pre',
      handler(server) {
        if (copiedInto.has(server.config)) return
        configureSession(server)
      },
    },

    // Vite awaits the client environment's buildStart before the dev server listens (in middleware
    // mode, before createServer resolves): no request can reach a half-loaded registry.
    async buildStart() {
      const current = this.environment?.name === 'client' ? sessionsByEnvironment.get(this.environment) : undefined
      await current?.loaded
    },

    transform(code, id) {
      const current = this.environment ? sessionsByEnvironment.get(this.environment) : undefined
      if (!current || current !== session) return
      if (this.environment.config.consumer === 'server') return current.registryModuleCode(code, id, this.environment)
      if (overlayActive() && config && isViteClient(id)) return { code: code + loadAfterViteClient(`${config.base.replace(/\/+$/, '')}${OVERLAY_PUBLIC_PATH}`), map: null }
    },

    resolveId(id) {
      if (!overlayActive()) return
      if (id === OVERLAY_PUBLIC_PATH) return OVERLAY_VIRTUAL_ID
      if (id === OVERLAY_BUNDLE_PUBLIC_PATH) return OVERLAY_BUNDLE_VIRTUAL_ID
    },

    load: {
      // 'pre': ahead of Vite's own load hooks and its file read — the wizard being reloaded was just read.
      order: 'pre',
      handler(id) {
        if (session && this.environment?.name === session.environmentName && id.includes('?')) {
          const kept = session.keptSource(id)
          if (kept !== undefined) return kept
        }
        if (servesSources && session && this.environment?.name === session.environmentName) {
          // What evaluates is exactly the text the reload read (and compares with the disk).
          const source = session.reloader?.sourceBeingLoaded(id)
          if (source !== undefined) return source
        }
        if (!overlayActive() || !session || !config || session.options.overlay === false) return
        // An empty map: prebuilt code, so Vite need not generate (and inline) a source map for it.
        if (id === OVERLAY_VIRTUAL_ID) {
          const bundle = locateOverlayBundle()
          if (!bundle) session.log.warn(MISSING_BUNDLE_MESSAGE)
          return { code: overlayModuleCode(bundle, { overlay: session.options.overlay, base: config.base, root: config.root }), map: { mappings: '' } }
        }
        if (id === OVERLAY_BUNDLE_VIRTUAL_ID) {
          const bundle = locateOverlayBundle()
          return { code: bundle ? fs.readFileSync(bundle, 'utf8') : 'export function mountWizardOverlay() {}', map: { mappings: '' } }
        }
      },
    },

    transformIndexHtml() {
      if (!overlayActive() || !config) return
      return [overlayScriptTag(config.base, config.html?.cspNonce)]
    },

    // Last, so it has the final say: Vite must not act on wizard modules behind the plugin's back
    // (its HMR would re-run or full-reload them before the new version is known to load).
    hotUpdate: {
      order: 'post',
      handler({ file, type, modules }) {
        const current = sessionsByEnvironment.get(this.environment)
        if (!current || this.environment.name !== current.environmentName) return
        debug?.(`vite ${type} ${file} (${this.environment.name}: ${modules.length} module${modules.length === 1 ? '' : 's'})`)
        current.externalFileChanged(file, type)
        return current.withoutOwnedModules(modules)
      },
    },

    async buildEnd() {
      // Called (once, for the client environment) when the dev server closes or restarts.
      const closing = sessionsByEnvironment.get(this.environment)
      if (!closing) return
      if (session === closing) session = undefined
      await closing.dispose()
    },
  }

  function configureSession(server: ViteDevServer): void {
    const options = getOptions()
    if (!options) return
    if (options.statusPath !== false) {
      const statusPath = options.statusPath
      server.middlewares.use(statusMiddleware(statusPath, () => server.config.server.allowedHosts, () => sessionsByEnvironment.get(server.environments.client)?.getStatus() ?? { enabled: false }))
    }
    const current = new DevSession(server, options, problems)
    session = current
    for (const environment of Object.values(server.environments)) sessionsByEnvironment.set(environment, current)
    for (const sink of sinks.keys()) sinks.set(sink, current.addSink(sink))
    if (options.enabled) {
      for (const httpServer of upgradeServersOf(server)) current.attachWebSocket(httpServer)
      for (const httpServer of attachedServers.keys()) attachedServers.set(httpServer, current.attachWebSocket(httpServer))
    } else if (options.wsPath !== false) {
      // Off means no endpoint: a client gets a plain 404 instead of a socket that never answers.
      for (const httpServer of [...upgradeServersOf(server), ...attachedServers.keys()]) refuseUpgrades(httpServer, options.wsPath)
    }
    server.httpServer?.once('close', () => void current.dispose().catch((error: unknown) => server.config.logger.error(`${LOG_PREFIX} closing: ${describeThrown(error)}`)))
  }

  function overlayActive(): boolean {
    return session !== undefined && session.options.enabled && session.options.overlay !== false
  }

  return plugin
}

/** The dev server's own HTTP server, or in middleware mode the one given to Vite as `server.hmr.server`. */
function upgradeServersOf(server: ViteDevServer): UpgradeableServer[] {
  if (server.httpServer) return [server.httpServer]
  const hmr = server.config.server.hmr
  const hmrServer = typeof hmr === 'object' ? hmr.server : undefined
  return hmrServer ? [hmrServer as UpgradeableServer] : []
}

function noServer(wizardId: string): Promise<WizardActionResult> {
  return Promise.resolve({ ok: false, wizardId, version: null, error: 'no dev server is running' })
}

const refusing = new WeakSet<UpgradeableServer>()

function refuseUpgrades(httpServer: UpgradeableServer, wsPath: string): void {
  if (refusing.has(httpServer)) return
  refusing.add(httpServer)
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if ((req.url ?? '').split('?', 1)[0].replace(/(.)\/+$/, '$1') !== wsPath) return
    const body = 'Hot reload is off (enabled: false or HOT_RELOAD_ENABLED=false)'
    socket.end(`HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  })
}

/**
 * Middleware mode: serve the reference WebSocket endpoint on your own HTTP server.
 *
 * ```ts
 * const vite = await createServer({ server: { middlewareMode: true }, plugins: [wizardHotReload()] })
 * attachWizardHotReload(vite, httpServer)
 * ```
 */
export function attachWizardHotReload(server: ViteDevServer, httpServer: UpgradeableServer): () => void {
  const plugin = server.config.plugins.find((candidate) => candidate.name === PLUGIN_NAME) as (Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }) | undefined
  if (!plugin) throw new Error(`attachWizardHotReload: the dev server has no ${PLUGIN_NAME} plugin; add wizardHotReload() to its plugins.`)
  return plugin.api.attach(httpServer)
}
