import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { HotReloadStatus } from '../client/protocol.ts'
import { debug } from './debug.ts'
import { displayPath } from './errors/display-path.ts'
import { describeThrown } from './errors/thrown-value.ts'
import { pollingHint, readMounts } from './files/mount-hint.ts'
import { SymlinkRule } from './files/symlink-rule.ts'
import { WatchedDirs } from './files/watched-dirs.ts'
import { WizardFileWatcher } from './files/watcher.ts'
import { WizardEventFanout, type WizardEventSink } from './notify/event-sink.ts'
import { HmrEventSink } from './notify/hmr-events.ts'
import type { ProblemLog } from './notify/problem-log.ts'
import { TerminalLog } from './notify/terminal-log.ts'
import { ReferenceWebSocketEndpoint, type UpgradeableServer } from './notify/ws-endpoint.ts'
import type { ResolvedWizardHotReloadOptions } from './options.ts'
import { ReloadCoordinator, type InitialLoadSummary } from './reload/coordinator.ts'
import { loadRegistryModule } from './reload/registry-module.ts'
import { WizardReloader } from './reload/reloader.ts'
import { WizardStateStore } from './reload/wizard-state.ts'
import { afterViteInvalidates } from './vite-internals/module-graph.ts'
import { SsrErrorLogFilter } from './vite-internals/ssr-error-log-filter.ts'

/** A burst of adds and deletes is followed, once the folders are quiet this long, by a full reconcile. */
const RECONCILE_AFTER_QUIET_MS = 250

/**
 * Everything the plugin runs for one dev server: created in `configureServer`, disposed when the
 * server closes or restarts (a restarted server gets a fresh session). With hot reload off
 * (`enabled: false`) it only loads and registers every wizard once: no watcher, no endpoints.
 */
export class DevSession {
  readonly state = new WizardStateStore()
  readonly events: WizardEventFanout
  readonly reloader: WizardReloader
  readonly coordinator: ReloadCoordinator
  readonly log: TerminalLog
  /** Resolves once the watcher is ready and the initial load is done; never rejects. */
  readonly ready: Promise<void>
  /** Set once the initial load is done (undefined with `initialLoad: false`). */
  initialLoadSummary: InitialLoadSummary | undefined
  private readonly dirs: WatchedDirs
  private readonly symlinks: SymlinkRule
  private readonly logFilter = new SsrErrorLogFilter()
  private readonly watcher: WizardFileWatcher | undefined
  private readonly hmr: HmrEventSink | undefined
  private readonly ws: ReferenceWebSocketEndpoint | undefined
  private readonly registryFile: string | undefined
  private registryLoaded = false
  private reconcileTimer: NodeJS.Timeout | undefined
  private disposed = false

  constructor(
    readonly server: ViteDevServer,
    readonly options: ResolvedWizardHotReloadOptions,
    private readonly problems: ProblemLog,
  ) {
    const root = server.config.root
    const watching = options.enabled
    this.log = new TerminalLog(server.config.logger, root)
    this.dirs = new WatchedDirs(options.dirs, options.dirAliases)
    this.symlinks = new SymlinkRule(options.dirs)
    this.events = new WizardEventFanout((error) => this.problem(`an event listener threw ${describeThrown(error)}`))
    this.events.add(this.log)
    if (watching) {
      this.hmr = new HmrEventSink(server, this.state)
      this.events.add(this.hmr)
    }
    if (watching && options.wsPath !== false) {
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
      loadTimeout: options.loadTimeout,
      isWizardClass: options.isWizardClass,
      events: this.events,
      state: this.state,
      warn: (message) => this.problem(message),
      logFilter: this.logFilter,
      changedSince: (files, since) => this.watcher?.changedSince(files, since) ?? false,
    })
    this.coordinator = new ReloadCoordinator({
      server,
      reloader: this.reloader,
      dirs: this.dirs,
      symlinks: this.symlinks,
      wizardId: options.wizardId,
      warn: (message) => this.problem(message),
    })
    if (watching) {
      this.watcher = new WizardFileWatcher({
        dirs: options.dirs,
        delay: options.delay,
        wizardId: options.wizardId,
        polling: options.polling,
        symlinks: this.symlinks,
        onChange: ({ file, type, firstEventAt }) => {
          debug?.(`${type} ${file}`)
          this.background(this.coordinator.fileChanged(file, firstEventAt), `reloading ${this.log.relative(file)}`)
        },
        onRemoveDir: (dir) => this.background(this.coordinator.folderRemoved(dir), `removing the wizards of ${this.log.relative(dir)}`),
        onStructureChange: () => this.scheduleReconcile(),
        onSkippedLink: (link, verdict) => {
          if (verdict.loop) this.problem(`${this.log.relative(link)} is a symlink to ${this.log.relative(verdict.target)}, a folder on its own path (a loop); it is not watched.`)
          else debug?.(`${link} links into a watched folder (${verdict.target}); its files are watched there`)
        },
        onError: (error) => this.problem(`watcher error: ${describeThrown(error)}`),
      })
    }
    // Modules outside the wizard folders are watched by Vite. With HMR on, the plugin's `hotUpdate`
    // reports them; Vite skips that hook when `server.hmr` is false, so then we listen to its watcher.
    if (watching && server.config.server.hmr === false) {
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
    if (!this.options.enabled) return { enabled: false }
    const last = this.problems.last
    return {
      enabled: true,
      running: !this.disposed,
      watch_dirs: [...this.options.dirs],
      delay_ms: this.options.delay,
      polling_ms: this.options.polling || null,
      reload_count: this.state.reloadCount,
      websocket_connections: this.ws?.connectionCount ?? 0,
      websocket_path: this.options.wsPath || null,
      last_error: last?.message ?? null,
      last_error_at: last ? new Date(last.at).toISOString() : null,
      wizards: this.state.toStatus(),
    }
  }

  /** Adds a sink (the WebSocket endpoint, a user's listener) for reload events. */
  addSink(sink: WizardEventSink): () => void {
    return this.events.add(sink)
  }

  // Vite invalidates the changed module after an `await` in its own listener; we must come after it.
  private readonly onViteChange = (file: string) => this.afterVite(file, 'update')
  private readonly onViteAdd = (file: string) => this.afterVite(file, 'create')
  private readonly onViteUnlink = (file: string) => this.afterVite(file, 'delete')

  private afterVite(rawFile: string, type: 'create' | 'update' | 'delete'): void {
    const file = path.resolve(rawFile)
    this.background(
      afterViteInvalidates(this.server, file).then(() => this.externalFileChanged(file, type)),
      `reloading the importers of ${this.log.relative(file)}`,
    )
  }

  /** Vite's own watcher saw a change (a module outside the watched folders), after Vite invalidated it. */
  externalFileChanged(file: string, type: 'create' | 'update' | 'delete'): void {
    if (this.disposed || !this.options.enabled || this.dirs.contains(file)) return
    if (file === this.registryFile && type !== 'delete') {
      this.background(this.reloadRegistry(), 'reloading the registry')
      return
    }
    this.background(this.coordinator.externalFileChanged(file, type === 'create'), `reloading the importers of ${this.log.relative(file)}`)
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    await this.ready
    await this.reloader.idle()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.reconcileTimer)
    this.reloader.dispose()
    this.coordinator.dispose()
    this.hmr?.dispose()
    this.ws?.close()
    this.logFilter.uninstall()
    this.server.watcher.off('change', this.onViteChange)
    this.server.watcher.off('add', this.onViteAdd)
    this.server.watcher.off('unlink', this.onViteUnlink)
    await this.watcher?.stop()
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  /** Every promise the session starts ends here: a rejection is a logged problem, never an unhandled one. */
  private background(work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => {
      if (!this.disposed) this.problem(`${what} failed: ${describeThrown(error)}`)
    })
  }

  private problem(message: string): void {
    this.problems.record(message)
    this.log.warn(message)
  }

  private scheduleReconcile(): void {
    clearTimeout(this.reconcileTimer)
    this.reconcileTimer = setTimeout(() => {
      if (!this.disposed) this.background(this.coordinator.reconcile(), 'reconciling the wizard folders')
    }, RECONCILE_AFTER_QUIET_MS)
  }

  private async start(): Promise<void> {
    try {
      const where = this.options.dirs.map((dir) => displayPath(this.server.config.root, dir) || '.').join(', ')
      if (this.options.dirs.length === 0) {
        this.log.warn('no wizard folder to watch: none of the default folders exists and no `dirs` option or HOT_RELOAD_WATCH_DIRS names one.')
      }
      if (this.watcher && this.options.polling === false) {
        const mounts = readMounts()
        for (const dir of this.options.dirs) {
          const hint = pollingHint(dir, mounts)
          if (hint) this.log.warn(hint)
        }
      }
      if (this.registryFile) await this.reloadRegistry()
      // The watcher's own scan runs alongside the initial load; `reconcile` covers the overlap.
      const watching = this.watcher?.start() ?? Promise.resolve()
      if (!this.options.initialLoad) {
        await Promise.all([this.coordinator.scan(), watching])
        if (!this.disposed) this.log.info(`watching ${where} (delay ${this.options.delay} ms${this.options.polling ? `, polling every ${this.options.polling} ms` : ''})`)
        return
      }
      const summary = await this.coordinator.initialLoad()
      this.initialLoadSummary = summary
      await watching
      if (this.disposed) return
      if (this.watcher) await this.coordinator.reconcile()
      if (this.disposed) return
      const failed = summary.failed ? `, ${summary.failed} failed` : ''
      const loaded = `loaded ${summary.loaded} wizard${summary.loaded === 1 ? '' : 's'} from ${where} in ${summary.durationMs} ms${failed}`
      if (!this.watcher) this.log.info(`${loaded}; hot reload is off (enabled: false or HOT_RELOAD_ENABLED=false): edits apply after a restart`)
      else this.log.info(`${loaded} (watching, delay ${this.options.delay} ms${this.options.polling ? `, polling every ${this.options.polling} ms` : ''})`)
    } catch (error) {
      if (!this.disposed) this.problem(`could not start: ${describeThrown(error)}`)
    }
  }

  private async reloadRegistry(): Promise<void> {
    const registry = this.options.registry
    if (!registry) return
    try {
      const loaded = await loadRegistryModule(this.server, registry, this.options.loadTimeout)
      if (this.disposed) return
      const firstLoad = !this.registryLoaded
      this.registryLoaded = true
      this.reloader.setCallbacks(loaded.register, this.options.unregister ?? loaded.unregister)
      if (!firstLoad) {
        this.log.info(`${path.relative(this.server.config.root, loaded.file)} changed; registering every wizard into the new registry`)
        await this.coordinator.reRegisterAll()
      }
    } catch (error) {
      this.problems.record(describeThrown(error))
      this.log.error(describeThrown(error))
    }
  }
}
