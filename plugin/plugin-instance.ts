import path from 'node:path'
import { loadEnv, type Plugin, type ResolvedConfig, type ViteDevServer } from 'vite'
import { TOKEN_FILE } from './backend-link/protocol.ts'
import { DevSession } from './dev-session.ts'
import { describeThrown } from './errors/thrown-value.ts'
import { WatchedDirs } from './files/watched-dirs.ts'
import type { WizardEventSink } from './notify/event-sink.ts'
import { ProblemLog } from './notify/problem-log.ts'
import { statusMiddleware } from './notify/status-endpoint.ts'
import { DevServerOrigins } from './origins/dev-server-origins.ts'
import { LOG_PREFIX } from './notify/terminal-log.ts'
import { refuseUpgradesAt, type UpgradeableServer } from './notify/upgrade-route.ts'
import { resolveOptions, type ResolvedWizardHotReloadOptions, type WizardHotReloadOptions } from './options.ts'
import type { ApiHost } from './plugin-api.ts'
import { denyServing } from './vite-internals/fs-rules.ts'

export const PLUGIN_NAME = 'vite-plugin-wizard-hot-reload'

/**
 * What one `wizardHotReload()` call keeps between Vite's hooks: its resolved config and options,
 * the session of the dev server running now (a restart makes a new one), the user's sinks and
 * attached servers — and whether it is inert (listed twice) or running in a copy of itself.
 */
export class PluginInstance implements ApiHost {
  config: ResolvedConfig | undefined
  session: DevSession | undefined
  /** Set when this is not the first instance of the plugin in the config: it then does nothing. */
  inert = false
  /** No other plugin has a load hook: the plugin may hand Vite the wizard source it just read. */
  servesSources = false
  readonly sinks = new Map<WizardEventSink, () => void>()
  readonly attachedServers = new Map<UpgradeableServer, () => void>()
  private resolvedOptions: ResolvedWizardHotReloadOptions | undefined
  private readonly problems = new ProblemLog()
  // On restart Vite creates the new server before closing the old one: find a session by its server's environment.
  private readonly sessionsByEnvironment = new WeakMap<object, DevSession>()
  // Configs of servers that run a copy of this plugin object (React Router's child compiler spreads
  // plugins: `{ ...plugin }`). The copy shares this instance: it must leave everything alone.
  private readonly copiedInto = new WeakSet<ResolvedConfig>()
  private ownedDirs: WatchedDirs | undefined

  constructor(private readonly rawOptions: WizardHotReloadOptions) {}

  /** Resolved on first use, so `vite preview` (which never starts a dev server) prints no warnings. */
  get options(): ResolvedWizardHotReloadOptions | undefined {
    const resolved = this.config
    if (this.resolvedOptions || !resolved || this.inert) return this.resolvedOptions
    // `.env` files may set HOT_RELOAD_* too; process.env wins over them, as in Vite.
    const env = { ...process.env, ...(resolved.envDir === false ? {} : loadEnv(resolved.mode, resolved.envDir, 'HOT_RELOAD_')) }
    // Option warnings are advice; a user callback that fails when called is a problem (the status's last_error).
    const warn = (message: string) => resolved.logger.warn(`${LOG_PREFIX} ${message}`, { timestamp: true })
    const problem = (message: string) => {
      this.problems.record(message)
      warn(message)
    }
    this.resolvedOptions = resolveOptions(this.rawOptions, { root: resolved.root, env, warn, problem })
    return this.resolvedOptions
  }

  /** Vite's own watcher must not scan the wizard folders: ours does (see WizardFileWatcher). */
  readonly isOwnedByPlugin = (file: string): boolean => {
    const options = this.options
    if (!options || !this.config) return false
    this.ownedDirs ??= new WatchedDirs(options.dirs, options.dirAliases)
    return this.ownedDirs.containsAnyAlias(path.resolve(this.config.root, file))
  }

  /** The session of the server an environment belongs to (none for a copy's or an inert instance's). */
  sessionOf(environment: object | undefined): DevSession | undefined {
    return environment ? this.sessionsByEnvironment.get(environment) : undefined
  }

  /** True when the session running now serves the overlay. */
  get overlayActive(): boolean {
    return this.session !== undefined && this.session.options.enabled && this.session.options.overlay !== false
  }

  configResolved(resolved: ResolvedConfig, plugin: Plugin, api: object): void {
    const listed = resolved.plugins.filter((candidate) => candidate.name === PLUGIN_NAME)
    if (!listed.includes(plugin) && listed.some((candidate) => (candidate as { api?: unknown }).api === api)) {
      this.copiedInto.add(resolved)
      return
    }
    this.config = resolved
    this.resolvedOptions = undefined
    this.ownedDirs = undefined
    // Listed twice (vite.config.ts and createServer({ plugins }), say): the first one runs, this one stays out of the way.
    const first = listed[0]
    this.inert = first !== undefined && first !== plugin
    // Vite's own plugins never load a plain module file; another plugin's load hook is left to do its work.
    // (A second, inert instance of this plugin does not count.)
    this.servesSources = !resolved.plugins.some(
      (other) => other !== plugin && other.name !== PLUGIN_NAME && other.load !== undefined && !/^(?:vite|builtin):/.test(other.name),
    )
    if (resolved.command !== 'serve') return
    // The backends' secret sits under the cache folder, inside the project: never served over HTTP (a page could read it).
    // (The session checks it took: if not, the backend endpoint stays off.)
    if (!this.inert) denyServing(resolved, path.join(resolved.cacheDir, path.dirname(TOKEN_FILE)))
    else {
      resolved.logger.warn(
        `${LOG_PREFIX} the plugin is listed twice on this server (for example in vite.config.ts and again in createServer({ plugins })); ` +
          `this second instance does nothing and its options are ignored. Remove one — with createServer(), pass configFile: false when you list the plugins inline.`,
        { timestamp: true },
      )
    }
  }

  /** A new dev server: its session, its status endpoint, and the sockets on its HTTP servers. */
  configureServer(server: ViteDevServer): void {
    if (this.copiedInto.has(server.config)) return
    const options = this.options
    if (!options) return
    const origins = new DevServerOrigins(server, options.trustedOrigins)
    // First of the plugin's middlewares: it learns which ports serve the dev server's pages (middleware mode).
    server.middlewares.use(origins.notePort)
    if (options.statusPath !== false) {
      server.middlewares.use(
        statusMiddleware({
          path: options.statusPath,
          hostRule: () => ({ allowedHosts: server.config.server.allowedHosts, https: Boolean(server.config.server.https) }),
          isOwnOrigin: (origin, host) => origins.isOwn(origin, host),
          getStatus: () => this.sessionOf(server.environments.client)?.getStatus() ?? { enabled: false },
        }),
      )
    }
    const current = new DevSession(server, options, this.problems, origins)
    this.session = current
    for (const environment of Object.values(server.environments)) this.sessionsByEnvironment.set(environment, current)
    for (const sink of this.sinks.keys()) this.sinks.set(sink, current.addSink(sink))
    if (options.enabled) {
      for (const httpServer of upgradeServersOf(server)) current.attachWebSocket(httpServer)
      for (const httpServer of this.attachedServers.keys()) this.attachedServers.set(httpServer, current.attachWebSocket(httpServer))
    } else {
      // Off means no endpoint: a client gets a plain 404 instead of a socket that never answers.
      for (const httpServer of [...upgradeServersOf(server), ...this.attachedServers.keys()]) this.refuseEndpoint(httpServer)
    }
    server.httpServer?.once(
      'close',
      () => void current.dispose().catch((error: unknown) => server.config.logger.error(`${LOG_PREFIX} closing: ${describeThrown(error)}`)),
    )
  }

  refuseEndpoint(httpServer: UpgradeableServer): void {
    const wsPath = this.options?.wsPath
    if (wsPath) refuseUpgradesAt(httpServer, wsPath, 'Hot reload is off (enabled: false or HOT_RELOAD_ENABLED=false)')
  }

  /** The dev server behind `environment` closes or restarts (Vite calls buildEnd once, for the client environment). */
  async close(environment: object): Promise<void> {
    const closing = this.sessionOf(environment)
    if (!closing) return
    if (this.session === closing) this.session = undefined
    await closing.dispose()
  }
}

/** The dev server's own HTTP server, or in middleware mode the one given to Vite as `server.hmr.server`. */
function upgradeServersOf(server: ViteDevServer): UpgradeableServer[] {
  if (server.httpServer) return [server.httpServer]
  const hmr = server.config.server.hmr
  const hmrServer = typeof hmr === 'object' ? hmr.server : undefined
  return hmrServer ? [hmrServer as UpgradeableServer] : []
}
