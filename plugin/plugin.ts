import path from 'node:path'
import { loadEnv, type Plugin, type ResolvedConfig } from 'vite'
import { DevSession } from './dev-session.ts'
import { resolveOptions, type ResolvedWizardHotReloadOptions, type WizardHotReloadOptions } from './options.ts'
import { LOG_PREFIX } from './terminal-log.ts'

export const PLUGIN_NAME = 'vite-plugin-wizard-hot-reload'

/** What `plugin.api` exposes (for tests and tools that sit next to the plugin). */
export interface WizardHotReloadApi {
  /** The resolved options (after environment variables), once the config is resolved. */
  readonly options: ResolvedWizardHotReloadOptions | undefined
  /** The running dev session, while a dev server is up and the plugin enabled. */
  readonly session: DevSession | undefined
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
    return options.dirs.some((dir) => absolute === dir || absolute.startsWith(dir + path.sep))
  }

  const api: WizardHotReloadApi = {
    get options() {
      return getOptions()
    },
    get session() {
      return session
    },
  }

  return {
    name: PLUGIN_NAME,
    apply: 'serve',
    api,

    config() {
      return { server: { watch: { ignored: [isOwnedByPlugin] } } }
    },

    configResolved(resolved) {
      config = resolved
      resolvedOptions = undefined
    },

    configureServer(server) {
      const options = getOptions()
      if (!options?.enabled) return
      const current = new DevSession(server, options)
      session = current
      for (const environment of Object.values(server.environments)) sessionsByEnvironment.set(environment, current)
      server.httpServer?.once('close', () => void current.dispose())
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
