import fs from 'node:fs'
import type { Plugin, ViteDevServer } from 'vite'
import { debug } from './debug.ts'
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
import type { UpgradeableServer } from './notify/upgrade-route.ts'
import type { WizardHotReloadOptions } from './options.ts'
import { createPluginApi, type WizardHotReloadApi } from './plugin-api.ts'
import { PLUGIN_NAME, PluginInstance } from './plugin-instance.ts'
import type { WizardClass } from './types.ts'
import { isViteClient, loadAfterViteClient } from './vite-internals/vite-client.ts'

export { PLUGIN_NAME } from './plugin-instance.ts'
export type { WizardHotReloadApi } from './plugin-api.ts'

/**
 * Hot-reloads wizard classes through the dev server's module graph.
 *
 * ```ts
 * plugins: [wizardHotReload({ dirs: ['wizards'], register: registerWizard })]
 * ```
 */
export function wizardHotReload<C extends WizardClass = WizardClass>(
  rawOptions: WizardHotReloadOptions<C> = {},
): Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi } {
  const instance = new PluginInstance(rawOptions as WizardHotReloadOptions)
  const api = createPluginApi(instance)

  const plugin: Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi } = {
    name: PLUGIN_NAME,
    apply: 'serve',
    api,

    config(userConfig) {
      return {
        // (`watch: null` turns Vite's watcher off; adding `ignored` would turn it back on.)
        server: userConfig.server?.watch === null ? {} : { watch: { ignored: [instance.isOwnedByPlugin] } },
        // The client API reads `import.meta.hot`, which Vite only injects into modules it serves itself.
        optimizeDeps: { exclude: [`${PLUGIN_NAME}/client`] },
      }
    },

    configResolved(resolved) {
      instance.configResolved(resolved, plugin, api)
    },

    // 'pre': the session exists before other plugins' configureServer (a framework may load the app
    // there), and the status endpoint comes before their middlewares, whatever the plugin order.
    configureServer: {
      order: 'pre',
      handler(server) {
        instance.configureServer(server)
      },
    },

    // Vite awaits the client environment's buildStart before the dev server listens (in middleware
    // mode, before createServer resolves): no request can reach a half-loaded registry.
    async buildStart() {
      if (this.environment?.name === 'client') await instance.sessionOf(this.environment)?.loaded
    },

    transform(code, id) {
      const current = instance.sessionOf(this.environment)
      if (!current || current !== instance.session) return
      if (this.environment.config.consumer === 'server') return current.registryModuleCode(code, id, this.environment)
      const config = instance.config
      if (instance.overlayActive && config && isViteClient(id))
        return { code: code + loadAfterViteClient(`${config.base.replace(/\/+$/, '')}${OVERLAY_PUBLIC_PATH}`), map: null }
    },

    resolveId(id) {
      if (!instance.overlayActive) return
      if (id === OVERLAY_PUBLIC_PATH) return OVERLAY_VIRTUAL_ID
      if (id === OVERLAY_BUNDLE_PUBLIC_PATH) return OVERLAY_BUNDLE_VIRTUAL_ID
    },

    load: {
      // 'pre': ahead of Vite's own load hooks and its file read — the wizard being reloaded was just read.
      order: 'pre',
      handler(id) {
        const { session, config } = instance
        if (session && this.environment?.name === session.environmentName) {
          // A kept version asked for by URL (a rollback evaluating it again, a backend getting what is served).
          const kept = id.includes('?') ? session.keptSource(id) : undefined
          if (kept !== undefined) return kept
          // What evaluates is exactly the text the reload read (and compares with the disk).
          const source = instance.servesSources ? session.reloader?.sourceBeingLoaded(id) : undefined
          if (source !== undefined) return source
        }
        if (!instance.overlayActive || !session || !config || session.options.overlay === false) return
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
      if (!instance.overlayActive || !instance.config) return
      return [overlayScriptTag(instance.config.base, instance.config.html?.cspNonce)]
    },

    // Last, so it has the final say: Vite must not act on wizard modules behind the plugin's back
    // (its HMR would re-run or full-reload them before the new version is known to load).
    hotUpdate: {
      order: 'post',
      handler({ file, type, modules }) {
        const current = instance.sessionOf(this.environment)
        if (!current || this.environment.name !== current.environmentName) return
        debug?.(`vite ${type} ${file} (${this.environment.name}: ${modules.length} module${modules.length === 1 ? '' : 's'})`)
        current.externalFileChanged(file, type)
        return current.withoutOwnedModules(modules)
      },
    },

    async buildEnd() {
      await instance.close(this.environment)
    },
  }
  return plugin
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
  const plugin = server.config.plugins.find((candidate) => candidate.name === PLUGIN_NAME) as
    (Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }) | undefined
  if (!plugin) throw new Error(`attachWizardHotReload: the dev server has no ${PLUGIN_NAME} plugin; add wizardHotReload() to its plugins.`)
  return plugin.api.attach(httpServer)
}
