import fs from 'node:fs'
import path from 'node:path'
import { loadEnv, type Plugin, type ResolvedConfig, type ViteDevServer } from 'vite'
import { DevSession } from './dev-session.ts'
import { resolveOptions, type ResolvedWizardHotReloadOptions, type WizardHotReloadOptions } from './options.ts'
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
import { statusMiddleware } from './notify/status-endpoint.ts'
import { LOG_PREFIX } from './notify/terminal-log.ts'
import type { UpgradeableServer } from './notify/ws-endpoint.ts'

export const PLUGIN_NAME = 'vite-plugin-wizard-hot-reload'

/** What `plugin.api` exposes (for tests and tools that sit next to the plugin). */
export interface WizardHotReloadApi {
  /** The resolved options (after environment variables), once the config is resolved. */
  readonly options: ResolvedWizardHotReloadOptions | undefined
  /** The running dev session, while a dev server is up and the plugin enabled. */
  readonly session: DevSession | undefined
  /**
   * Serves the reference WebSocket endpoint on your own HTTP server (middleware mode, where Vite
   * has none). Survives server restarts. Returns a function that detaches it.
   */
  attach(httpServer: UpgradeableServer): () => void
}

/**
 * Hot-reloads wizard classes through the dev server's module graph.
 *
 * ```ts
 * plugins: [wizardHotReload({ dirs: ['wizards'], register: registerWizard })]
 * ```
 */
export function wizardHotReload(rawOptions: WizardHotReloadOptions = {}): Plugin {
  let config: ResolvedConfig | undefined
  let resolvedOptions: ResolvedWizardHotReloadOptions | undefined
  let session: DevSession | undefined
  // On restart Vite creates the new server before closing the old one: find a session by its server's environment.
  const sessionsByEnvironment = new WeakMap<object, DevSession>()

  // Resolved on first use, so `vite preview` (which never starts a dev server) prints no warnings.
  const getOptions = (): ResolvedWizardHotReloadOptions | undefined => {
    if (resolvedOptions || !config) return resolvedOptions
    const resolved = config
    // `.env` files may set HOT_RELOAD_* too; process.env wins over them, as in Vite.
    const env = { ...process.env, ...(resolved.envDir === false ? {} : loadEnv(resolved.mode, resolved.envDir, 'HOT_RELOAD_')) }
    const warn = (message: string) => resolved.logger.warn(`${LOG_PREFIX} ${message}`, { timestamp: true })
    resolvedOptions = resolveOptions(rawOptions, { root: resolved.root, env, warn })
    return resolvedOptions
  }

  // Vite's own watcher must not scan the wizard folders: ours does (see WizardFileWatcher).
  const isOwnedByPlugin = (file: string): boolean => {
    const options = getOptions()
    if (!options?.enabled || !config) return false
    const absolute = path.resolve(config.root, file)
    return [...options.dirs, ...options.dirAliases].some((dir) => absolute === dir || absolute.startsWith(dir + path.sep))
  }

  // HTTP servers the user attached (middleware mode); every new session serves them too.
  const attachedServers = new Map<UpgradeableServer, () => void>()

  const api: WizardHotReloadApi = {
    get options() {
      return getOptions()
    },
    get session() {
      return session
    },
    attach(httpServer) {
      if (!attachedServers.has(httpServer)) attachedServers.set(httpServer, session?.attachWebSocket(httpServer) ?? (() => {}))
      return () => {
        attachedServers.get(httpServer)?.()
        attachedServers.delete(httpServer)
      }
    },
  }

  return {
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
      config = resolved
      resolvedOptions = undefined
    },

    configureServer(server) {
      const options = getOptions()
      if (!options) return
      if (options.statusPath !== false) {
        const statusPath = options.statusPath
        server.middlewares.use(statusMiddleware(statusPath, () => server.config.server.allowedHosts, () => sessionsByEnvironment.get(server.environments.client)?.getStatus() ?? { enabled: false }))
      }
      if (!options.enabled) return
      const current = new DevSession(server, options)
      session = current
      for (const environment of Object.values(server.environments)) sessionsByEnvironment.set(environment, current)
      for (const httpServer of upgradeServersOf(server)) current.attachWebSocket(httpServer)
      for (const httpServer of attachedServers.keys()) attachedServers.set(httpServer, current.attachWebSocket(httpServer))
      server.httpServer?.once('close', () => void current.dispose())
    },

    resolveId(id) {
      if (!session || session.options.overlay === false) return
      if (id === OVERLAY_PUBLIC_PATH) return OVERLAY_VIRTUAL_ID
      if (id === OVERLAY_BUNDLE_PUBLIC_PATH) return OVERLAY_BUNDLE_VIRTUAL_ID
    },

    load(id) {
      if (!session || session.options.overlay === false || !config) return
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

    transformIndexHtml() {
      if (!session || session.options.overlay === false || !config) return
      return [overlayScriptTag(config.base, config.html?.cspNonce)]
    },

    transform: {
      order: 'pre',
      handler(code, id) {
        if (session && this.environment.name === 'ssr') session.recordSource(id, code)
      },
    },

    hotUpdate({ file, type }) {
      if (this.environment.name === 'ssr') sessionsByEnvironment.get(this.environment)?.externalFileChanged(file, type)
    },

    async buildEnd() {
      // Called (once, for the client environment) when the dev server closes or restarts.
      const closing = sessionsByEnvironment.get(this.environment)
      if (!closing) return
      if (session === closing) session = undefined
      await closing.dispose()
    },
  }
}

/** The dev server's own HTTP server, or in middleware mode the one given to Vite as `server.hmr.server`. */
function upgradeServersOf(server: ViteDevServer): UpgradeableServer[] {
  if (server.httpServer) return [server.httpServer]
  const hmr = server.config.server.hmr
  const hmrServer = typeof hmr === 'object' ? hmr.server : undefined
  return hmrServer ? [hmrServer as UpgradeableServer] : []
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
  const plugin = server.config.plugins.find((candidate) => candidate.name === PLUGIN_NAME) as (Plugin & { api: WizardHotReloadApi }) | undefined
  if (!plugin) throw new Error(`attachWizardHotReload: the dev server has no ${PLUGIN_NAME} plugin; add wizardHotReload() to its plugins.`)
  return plugin.api.attach(httpServer)
}
