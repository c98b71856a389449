import path from 'node:path'
import type { ViteDevServer } from 'vite'
import { debug } from './debug.ts'
import { WizardEventFanout, type WizardEventSink } from './notify/event-sink.ts'
import { HmrEventSink } from './notify/hmr-events.ts'
import { LoadedSources } from './reload/loaded-sources.ts'
import type { ResolvedWizardHotReloadOptions } from './options.ts'
import { loadRegistryModule } from './reload/registry-module.ts'
import { ReloadCoordinator, type InitialLoadSummary } from './reload/coordinator.ts'
import { WizardReloader } from './reload/reloader.ts'
import { SsrErrorLogFilter } from './vite-internals/ssr-error-log-filter.ts'
import { afterViteInvalidates } from './vite-internals/module-graph.ts'
import { TerminalLog } from './notify/terminal-log.ts'
import { WizardFileWatcher } from './files/watcher.ts'
import { WizardStateStore } from './reload/wizard-state.ts'
import { ReferenceWebSocketEndpoint, type UpgradeableServer } from './notify/ws-endpoint.ts'
import type { HotReloadStatus } from '../client/protocol.ts'

/**
 * Everything the plugin runs for one dev server: created in `configureServer`, disposed when the
 * server closes or restarts (a restarted server gets a fresh session).
 */
export class DevSession {
  readonly state = new WizardStateStore()
  readonly events: WizardEventFanout
  readonly reloader: WizardReloader
  readonly coordinator: ReloadCoordinator
  readonly log: TerminalLog
  /** Resolves once the watcher is ready and the initial load is done. */
  readonly ready: Promise<void>
  private readonly loadedSources = new LoadedSources()
  private readonly logFilter = new SsrErrorLogFilter()
  private readonly watcher: WizardFileWatcher
  private readonly hmr: HmrEventSink
  private readonly ws: ReferenceWebSocketEndpoint | undefined
  /** Set once the initial load is done (undefined with `initialLoad: false`). */
  initialLoadSummary: InitialLoadSummary | undefined
  private readonly registryFile: string | undefined
  private registryLoaded = false
  private disposed = false

  constructor(
    readonly server: ViteDevServer,
    readonly options: ResolvedWizardHotReloadOptions,
  ) {
    const root = server.config.root
    this.log = new TerminalLog(server.config.logger, root)
    this.events = new WizardEventFanout((error) => this.log.warn(`an event listener threw: ${String(error)}`))
    this.hmr = new HmrEventSink(server, this.state)
    this.events.add(this.log)
    this.events.add(this.hmr)
    if (options.wsPath !== false) {
      this.ws = new ReferenceWebSocketEndpoint({
        path: options.wsPath,
        allowedHosts: server.config.server.allowedHosts,
        cors: server.config.server.cors,
        getReloadCount: () => this.state.reloadCount,
      })
      this.events.add(this.ws)
    }
    this.logFilter.install(server.config.logger)
    this.reloader = new WizardReloader({
      server,
      register: options.register,
      unregister: options.unregister,
      registerTimeout: options.registerTimeout,
      isWizardClass: options.isWizardClass,
      events: this.events,
      state: this.state,
      warn: (message) => this.log.warn(message),
      logFilter: this.logFilter,
    })
    this.coordinator = new ReloadCoordinator({
      server,
      reloader: this.reloader,
      loadedSources: this.loadedSources,
      dirs: options.dirs,
      wizardId: options.wizardId,
    })
    this.watcher = new WizardFileWatcher({
      dirs: options.dirs,
      delay: options.delay,
      wizardId: options.wizardId,
      onChange: ({ file, type }) => {
        debug?.(`${type} ${file}`)
        void this.coordinator.fileChanged(file)
      },
      onRemoveDir: (dir) => void this.coordinator.folderRemoved(dir),
      onError: (error) => this.log.warn(`watcher error: ${error instanceof Error ? error.message : String(error)}`),
    })
    // Modules outside the wizard folders are watched by Vite. With HMR on, the plugin's `hotUpdate`
    // reports them; Vite skips that hook when `server.hmr` is false, so then we listen to its watcher.
    if (server.config.server.hmr === false) {
      server.watcher.on('change', this.onViteChange)
      server.watcher.on('add', this.onViteAdd)
      server.watcher.on('unlink', this.onViteUnlink)
    }
    this.registryFile = !options.register && options.registry ? path.resolve(root, options.registry) : undefined
    this.ready = this.start()
  }

  /** Serves the reference WebSocket endpoint on this HTTP server too (middleware mode). */
  attachWebSocket(httpServer: UpgradeableServer): () => void {
    return this.ws?.attach(httpServer) ?? (() => {})
  }

  getStatus(): HotReloadStatus {
    return {
      enabled: true,
      running: !this.disposed,
      watch_dirs: this.options.dirs,
      reload_count: this.state.reloadCount,
      websocket_connections: this.ws?.connectionCount ?? 0,
      websocket_path: this.options.wsPath || null,
      wizards: this.state.toStatus(),
    }
  }

  /** Adds a sink (the WebSocket endpoint, a user's listener) for reload events. */
  addSink(sink: WizardEventSink): () => void {
    return this.events.add(sink)
  }

  /** Vite's transform saw the raw source of a module. */
  recordSource(id: string, code: string): void {
    const file = id.split('?', 1)[0]
    if (this.coordinator.isInDirs(file)) this.loadedSources.record(file, code)
  }

  // Vite invalidates the changed module after an `await` in its own listener; we must come after it.
  private readonly onViteChange = (file: string) => this.afterVite(file, 'update')
  private readonly onViteAdd = (file: string) => this.afterVite(file, 'create')
  private readonly onViteUnlink = (file: string) => this.afterVite(file, 'delete')

  private afterVite(rawFile: string, type: 'create' | 'update' | 'delete'): void {
    const file = path.resolve(rawFile)
    void afterViteInvalidates(this.server, file).then(() => this.externalFileChanged(file, type))
  }

  /** Vite's own watcher saw a change (a module outside the watched folders), after Vite invalidated it. */
  externalFileChanged(file: string, type: 'create' | 'update' | 'delete'): void {
    if (this.disposed || this.coordinator.isInDirs(file)) return
    if (file === this.registryFile && type !== 'delete') {
      void this.reloadRegistry()
      return
    }
    void this.coordinator.externalFileChanged(file, type === 'create')
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    return this.coordinator.idle()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.reloader.dispose()
    this.coordinator.dispose()
    this.hmr.dispose()
    this.ws?.close()
    this.logFilter.uninstall()
    this.server.watcher.off('change', this.onViteChange)
    this.server.watcher.off('add', this.onViteAdd)
    this.server.watcher.off('unlink', this.onViteUnlink)
    await this.watcher.stop()
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  private async start(): Promise<void> {
    try {
      if (this.options.dirs.length === 0) {
        this.log.warn('no wizard folder to watch: none of the default folders exists and no `dirs` option or HOT_RELOAD_WATCH_DIRS names one.')
      }
      if (this.registryFile) await this.reloadRegistry()
      // The watcher's own scan runs alongside the initial load; `reconcile` covers the overlap.
      const watching = this.watcher.start()
      if (!this.options.initialLoad) {
        await Promise.all([this.coordinator.scan(), watching])
      } else {
        const summary = await this.coordinator.initialLoad()
        this.initialLoadSummary = summary
        await watching
        if (this.disposed) return
        await this.coordinator.reconcile(summary.files)
        if (this.disposed) return
        const where = this.options.dirs.map((dir) => this.log.relative(dir) || '.').join(', ')
        const failed = summary.failed ? `, ${summary.failed} failed` : ''
        this.log.info(`loaded ${summary.loaded} wizard${summary.loaded === 1 ? '' : 's'} from ${where} in ${summary.durationMs} ms${failed}`)
      }
    } catch (error) {
      if (!this.disposed) this.log.error(`could not start: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private async reloadRegistry(): Promise<void> {
    const registry = this.options.registry
    if (!registry) return
    try {
      const loaded = await loadRegistryModule(this.server, registry)
      if (this.disposed) return
      const firstLoad = !this.registryLoaded
      this.registryLoaded = true
      this.reloader.setCallbacks(loaded.register, this.options.unregister ?? loaded.unregister)
      if (!firstLoad) {
        this.log.info(`${path.relative(this.server.config.root, loaded.file)} changed; registering every wizard into the new registry`)
        await this.coordinator.reRegisterAll()
      }
    } catch (error) {
      this.log.error(error instanceof Error ? error.message : String(error))
    }
  }
}
