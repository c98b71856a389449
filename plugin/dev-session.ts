import path from 'node:path'
import type { EnvironmentModuleNode, ViteDevServer } from 'vite'
import type { HotReloadStatus, WizardDiff } from '../client/protocol.ts'
import { debug } from './debug.ts'
import { displayPath } from './errors/display-path.ts'
import { describeThrown } from './errors/thrown-value.ts'
import { pollingHint, readMounts } from './files/mount-hint.ts'
import { SymlinkRule } from './files/symlink-rule.ts'
import { WatchedDirs } from './files/watched-dirs.ts'
import { WizardFileWatcher } from './files/watcher.ts'
import { OutsideWatch } from './files/outside-watch.ts'
import { WizardEventFanout, type WizardEventSink } from './notify/event-sink.ts'
import { HmrEventSink } from './notify/hmr-events.ts'
import type { ProblemLog } from './notify/problem-log.ts'
import { TerminalLog } from './notify/terminal-log.ts'
import { ReferenceWebSocketEndpoint, type UpgradeableServer } from './notify/ws-endpoint.ts'
import type { ResolvedWizardHotReloadOptions } from './options.ts'
import { ReloadCoordinator, type InitialLoadSummary } from './reload/coordinator.ts'
import { ReloadHistory } from './reload/history.ts'
import { LeakWatch } from './reload/leak-watch.ts'
import { PageRequests, type RequestHandlers } from './requests/page-requests.ts'
import { PageTrust } from './origins/page-trust.ts'
import type { DevServerOrigins } from './origins/dev-server-origins.ts'
import { diffOf, requestHandlers } from './requests/request-handlers.ts'
import { OwnedModules } from './reload/owned-modules.ts'
import { followViteWatcher } from './files/follow-vite-watcher.ts'
import { serveControlRequests } from './requests/control-requests.ts'
import { SharedRegistry } from './registry/shared-registry.ts'
import { recordWhereListening } from './backend-link/server-discovery.ts'
import { keptSourceOf } from './reload/kept-sources.ts'
import { ReloadEngine } from './reload/reload-engine.ts'
import { SaveIntake } from './files/save-intake.ts'
import { WizardStateStore } from './reload/wizard-state.ts'
import { TrailingCheck } from './files/trailing-check.ts'
import { invalidateFile } from './vite-internals/module-graph.ts'
import { viteWatcherReady } from './vite-internals/vite-watcher.ts'
import type { BackendEndpoint } from './backends/backend-endpoint.ts'
import type { BackendHub } from './backends/backend-hub.ts'
import type { BackendRelay } from './backends/backend-relay.ts'
import { openBackendChannel } from './backends/backend-channel.ts'
import { spareOnFullReload } from './vite-internals/runner-graph.ts'
import type { WizardActionResult } from '../client/protocol.ts'



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
  /** Undefined when the configured environment cannot run modules here (the start says why). */
  readonly reloader: ReloadEngine | undefined
  readonly coordinator: ReloadCoordinator | undefined
  readonly log: TerminalLog
  /** Resolves once the watcher is ready and the initial load is done; never rejects. */
  readonly ready: Promise<void>
  /** Set once the initial load is done (undefined with `initialLoad: false`). */
  initialLoadSummary: InitialLoadSummary | undefined
  private readonly dirs: WatchedDirs
  private readonly symlinks: SymlinkRule
  private readonly leaks: LeakWatch
  readonly history: ReloadHistory
  private readonly requests: PageRequests | undefined
  /** Which HMR sockets are the dev server's own pages: they alone get events and may send requests. */
  private readonly pageTrust: PageTrust | undefined
  private readonly watcher: WizardFileWatcher | undefined
  /** Files outside the wizard folders that wizards import or are configured by. */
  private readonly outside: OutsideWatch | undefined
  private readonly hmr: HmrEventSink | undefined
  private readonly ws: ReferenceWebSocketEndpoint | undefined
  /** Backend processes (`connectWizardHotReload`): their hub, its endpoint, and the relay that waits for them. */
  private readonly backends: BackendHub | undefined
  private readonly backendEndpoint: BackendEndpoint | undefined
  private readonly relay: BackendRelay | undefined
  private readonly registryFile: string | undefined
  /** The `registry` module: every instance of it, in any runner, complete (registry/). */
  readonly registry: SharedRegistry | undefined
  /** Resolves when the initial load is over (or there is none, or it could not run). */
  private readonly initialLoadDone: Promise<void>
  private initialLoadOver!: () => void
  private readonly unspare: (() => void) | undefined
  private unfollowVite: (() => void) | undefined
  private readonly owned: OwnedModules
  private reconcileTimer: NodeJS.Timeout | undefined
  /** Vite's watcher has chokidar's 50 ms change throttle too: a quick second save of a module outside dirs is looked at again. */
  private readonly viteTrailing = new TrailingCheck((file, exists) => {
    if (this.disposed || !this.reloader) return
    invalidateFile(this.reloader.environment, file) // what Vite's watcher would have done
    this.externalFileChanged(file, exists ? 'update' : 'delete')
  })
  private readonly startError: string | undefined
  private disposed = false

  constructor(
    readonly server: ViteDevServer,
    readonly options: ResolvedWizardHotReloadOptions,
    private readonly problems: ProblemLog,
    /** The dev server's own origins: who may send the panel's requests (and read the status). */
    readonly origins: DevServerOrigins,
  ) {
    const root = server.config.root
    const watching = options.enabled
    this.log = new TerminalLog(server.config.logger, root)
    this.dirs = new WatchedDirs(options.dirs, options.dirAliases)
    this.symlinks = new SymlinkRule(options.dirs)
    this.events = new WizardEventFanout((error) => this.problem(`an event listener threw ${describeThrown(error)}`))
    this.events.add(this.log)
    if (watching) {
      const trust = (this.pageTrust = new PageTrust(server, origins, (message) => this.log.warn(message)))
      this.hmr = new HmrEventSink(server, this.state, (client) => trust.trusts(client))
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
    if (watching && options.backends) {
      const channel = openBackendChannel({
        server,
        environment: () => this.reloader!.environment,
        state: this.state,
        events: this.events,
        ready: () => this.ready,
        complete: options.initialLoad,
        registerTimeout: options.registerTimeout,
        loadTimeout: options.loadTimeout,
        history: options.history,
        configFile: options.configFile,
        control: (socket) => serveControlRequests(socket, this.requestHandlers, () => this.getStatus()),
        info: (message) => this.log.info(message),
        problem: (message) => this.problem(message),
      })
      this.backends = channel.hub
      this.relay = channel.relay
      this.backendEndpoint = channel.endpoint
    }
    this.outside = watching
      ? new OutsideWatch(
          options.delay,
          (file, type) => {
            debug?.(`${type} ${file} (outside the wizard folders)`)
            this.externalFileSettled(file, type)
          },
          (error) => this.problem(`watcher error: ${describeThrown(error)}`),
          options.polling,
        )
      : undefined
    this.history = new ReloadHistory(options.history)
    this.requestHandlers = requestHandlers({
      state: this.state,
      history: this.history,
      rollback: (wizardId, version) => this.rollback(wizardId, version),
      undo: (wizardId) => this.undo(wizardId),
      retry: (wizardId) => this.retry(wizardId),
    })
    this.leaks = new LeakWatch(this.state, (message) => this.log.warn(message), (wizardId, version) => this.history.holdsClass(wizardId, version))
    this.initialLoadDone = new Promise((resolve) => (this.initialLoadOver = resolve))
    this.registryFile = !options.register && options.registry ? path.resolve(root, options.registry) : undefined
    this.registry = this.registryFile
      ? new SharedRegistry({
          file: this.registryFile,
          option: options.registry!,
          environment: () => this.reloader!.environment,
          registerTimeout: options.registerTimeout,
          current: () => this.state.registered().flatMap((record) => (record.current ? [{ wizardId: record.wizardId, wizardClass: record.current.wizardClass, context: record.current.context }] : [])),
          loading: () => this.coordinator?.loadingInitially() ?? [],
          initialLoadDone: () => this.initialLoadDone,
          relative: (file) => this.log.relative(file),
          cacheDir: server.config.cacheDir,
          backendEndpoint: () => (this.backendEndpoint ? { on: true } : { on: false, why: options.backends ? 'the backend endpoint is off (see the line above)' : 'the backend endpoint is off (backends: false); remove backends: false to let it connect back' }),
          runtimeConnected: (name) => this.backends?.status().some((backend) => backend.name === name) ?? false,
          warn: (message) => this.problem(message),
          failed: (message) => {
            this.problems.record(message)
            this.log.error(message)
          },
        })
      : undefined
    // Whether an event is a new save: decided in one place (files/save-intake.ts), told what loads read.
    const intake = new SaveIntake()
    let reloader: ReloadEngine | undefined
    try {
      reloader = new ReloadEngine({
        server,
        environment: options.environment,
        register: options.register ?? this.registry?.instances.register,
        unregister: options.unregister ?? this.registry?.instances.unregister,
        committed: (wizardId, version) => {
          const registration = version && { wizardClass: version.wizardClass, context: version.context }
          if (this.registry) this.background(this.registry.instances.converge(wizardId, registration), `handing ${wizardId} to every registry instance`)
        },
        registerTimeout: options.registerTimeout,
        loadTimeout: options.loadTimeout,
        isWizardClass: options.isWizardClass,
        events: this.relay ?? this.events,
        state: this.state,
        warn: (message) => this.problem(message),
        advise: (message) => this.log.warn(message),
        changedSince: (files, since) => this.watcher?.changedSince(files, since) ?? false,
        leaks: this.leaks,
        historyStore: this.history,
        // The plugin's load hook serves kept sources (keptSource): a rollback to a released class evaluates it again.
        evaluatesKeptSources: true,
        configFile: options.configFile,
        noteRead: (file, content, signature) => intake.read(file, content, signature),
      })
    } catch (error) {
      this.startError = describeThrown(error)
    }
    this.reloader = reloader
    // Vite's server HMR may empty the runner (a full reload): the wizards' modules and the registry are spared.
    this.owned = new OwnedModules(this.state, this.dirs, options.wizardId, this.registryFile)
    this.unspare = reloader ? spareOnFullReload(reloader.environment.runner, () => this.owned.files()) : undefined
    this.coordinator = reloader
      ? new ReloadCoordinator({
          server,
          reloader,
          dirs: this.dirs,
          symlinks: this.symlinks,
          wizardId: options.wizardId,
          warn: (message) => this.problem(message),
          // Modules wizards import and config files outside the wizard folders: watched by the plugin too (outside-watch.ts).
          watchOutside: watching ? (file) => this.outside?.add(file) : undefined,
          intake,
          pendingSince: (file) => this.watcher?.pendingSince(file),
        })
      : undefined
    if (watching && this.reloader && this.pageTrust) {
      const trust = this.pageTrust
      this.requests = new PageRequests(server, this.requestHandlers, (client) => trust.refusal(client))
    }
    if (watching && this.coordinator) {
      const coordinator = this.coordinator
      this.watcher = new WizardFileWatcher({
        dirs: options.dirs,
        delay: options.delay,
        wizardId: options.wizardId,
        polling: options.polling,
        symlinks: this.symlinks,
        onChange: ({ file, type, firstEventAt }) => {
          debug?.(`${type} ${file}`)
          this.background(coordinator.fileChanged(file, firstEventAt), `reloading ${this.log.relative(file)}`)
        },
        onRemoveDir: (dir) => this.background(coordinator.folderRemoved(dir), `removing the wizards of ${this.log.relative(dir)}`),
        onStructureChange: () => this.scheduleReconcile(),
        onSkippedLink: (link, verdict) => {
          if (verdict.loop) this.log.warn(`${this.log.relative(link)} is a symlink to ${this.log.relative(verdict.target)}, a folder on its own path (a loop); it is not watched.`)
          else debug?.(`${link} links into a watched folder (${verdict.target}); its files are watched there`)
        },
        onError: (error) => this.problem(`watcher error: ${describeThrown(error)}`),
      })
    }
    // Modules outside the wizard folders are watched by Vite. With HMR on, the plugin's `hotUpdate`
    // reports them; Vite skips that hook when `server.hmr` is false, so then we listen to its watcher.
    if (watching && this.coordinator && server.config.server.hmr === false) {
      this.unfollowVite = followViteWatcher(server.watcher, () => this.reloader!.environment, (file, type) => this.externalFileChanged(file, type))
    }
    this.ready = this.start()
  }

  /** What the panel's requests (and the CLI's) do: the same validated path for both. */
  private readonly requestHandlers: RequestHandlers



  /** Serves the reference WebSocket endpoint on this HTTP server too (middleware mode). */
  attachWebSocket(httpServer: UpgradeableServer): () => void {
    // Where it listens goes to the discovery file: runtimes elsewhere and the CLI read it.
    const forget = recordWhereListening(httpServer, this.server.config.cacheDir, Boolean(this.server.config.server.https))
    this.forgetAddresses.add(forget)
    // Its port serves the dev server's pages (middleware mode): pages there are its own.
    const detach = [this.ws?.attach(httpServer), this.backendEndpoint?.attach(httpServer), forget, this.origins.addServer(httpServer)]
    return () => detach.forEach((stop) => stop?.())
  }

  /** Removes this server's discovery records (when it closes: the CLI then says no dev server runs). */
  private readonly forgetAddresses = new Set<() => void>()

  /** Resolves once the initial load is over: every wizard registered, or its failure reported. */
  get loaded(): Promise<void> {
    return this.initialLoadDone
  }

  /** The `registry` module as a server environment should evaluate it (registry/registry-code.ts); undefined for any other module. */
  registryModuleCode(code: string, id: string, environment: { name: string }): { code: string; map: null } | undefined {
    return this.registry?.moduleCode(code, id, environment)
  }

  /** The kept source of `<file>?wizard-hot-reload-version=N` (what the plugin's load hook serves for it). */
  keptSource(id: string): string | undefined {
    return keptSourceOf(id, this.state, this.history)
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
      wizards: this.state.toStatus(this.history, (wizardId) => this.leaks.liveVersions(wizardId)),
      registry: this.registry ? { file: this.registry.file, instances: this.registry.instances.size } : null,
      backends: this.backends?.status() ?? [],
    }
  }

  /** Adds a sink (the WebSocket endpoint, a user's listener) for reload events. */
  addSink(sink: WizardEventSink): () => void {
    return this.events.add(sink)
  }



  /** Registers a kept version again and pins the wizard to it (until its file's next save). */
  rollback(wizardId: string, version: number): Promise<WizardActionResult> {
    return this.reloader ? this.reloader.rollback(wizardId, version) : this.notStarted(wizardId)
  }

  undo(wizardId: string): Promise<WizardActionResult> {
    return this.reloader ? this.reloader.undo(wizardId) : this.notStarted(wizardId)
  }

  /** Reloads the wizard's file now. */
  retry(wizardId: string): Promise<WizardActionResult> {
    return this.coordinator ? this.coordinator.retry(wizardId) : this.notStarted(wizardId)
  }

  private notStarted(wizardId: string): Promise<WizardActionResult> {
    return Promise.resolve({ ok: false, wizardId, version: null, error: this.startError ?? 'not started' })
  }

  /** A line diff between two kept versions' sources. */
  diff(wizardId: string, from: number, to: number): WizardDiff {
    return diffOf(this.history, wizardId, from, to)
  }




  /** The environment wizards load in. */
  get environmentName(): string {
    return this.options.environment
  }

  /**
   * What of a hot update Vite may still act on in the wizards' environment: not the modules a
   * wizard imports (directly or not), nor the registry — the plugin reloads those transactionally.
   */
  withoutOwnedModules(modules: EnvironmentModuleNode[]): EnvironmentModuleNode[] | undefined {
    return this.coordinator ? this.owned.withoutOwned(modules) : undefined
  }

  /**
   * Vite's own watcher saw a change (a module outside the watched folders), after Vite invalidated
   * it: debounced with what the plugin's own watcher sees of that file (one save, one reload).
   */
  externalFileChanged(file: string, type: 'create' | 'update' | 'delete'): void {
    if (this.disposed || !this.options.enabled || !this.coordinator || this.dirs.contains(file)) return
    if (this.outside) this.outside.report(file, type)
    else this.externalFileSettled(file, type)
  }

  /** A change outside the watched folders, once its burst is over. */
  private externalFileSettled(file: string, type: 'create' | 'update' | 'delete'): void {
    if (this.disposed || !this.options.enabled || !this.coordinator || this.dirs.contains(file)) return
    // Whoever saw it, a quick second save that the watchers' change throttle drops is looked at again.
    this.viteTrailing.after(file)
    if (this.coordinator.isConfigFile(file)) {
      this.background(this.coordinator.fileChanged(file), `reloading the config ${this.log.relative(file)}`)
      return
    }
    if (this.registry?.isOwnModule(file) && type !== 'delete') {
      // Evaluated afresh wherever it is imported next: that instance attaches itself and is caught up.
      this.registry.changed(file)
      if (file === this.registry.file) return
    }
    this.background(this.coordinator.externalFileChanged(file, type === 'create'), `reloading the importers of ${this.log.relative(file)}`)
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    await this.ready
    await this.reloader?.idle()
    await this.relay?.idle()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.unspare?.()
    clearTimeout(this.reconcileTimer)
    this.registry?.dispose()
    this.viteTrailing.stop()
    this.coordinator?.dispose()
    this.hmr?.dispose()
    this.requests?.dispose()
    this.pageTrust?.dispose()
    this.ws?.close()
    for (const forget of this.forgetAddresses) forget()
    this.backendEndpoint?.close()
    this.backends?.close()
    this.leaks.close()
    this.unfollowVite?.()
    await this.watcher?.stop()
    await this.outside?.close()
    // Every registered version is disposed: signals aborted, dispose callbacks run.
    await this.reloader?.close()
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

  /** A problem — something threw or failed — is the status's `last_error` too; advice (a warning) is only printed. */
  private problem(message: string): void {
    this.problems.record(message)
    this.log.warn(message)
  }

  private scheduleReconcile(): void {
    clearTimeout(this.reconcileTimer)
    this.reconcileTimer = setTimeout(() => {
      if (!this.disposed && this.coordinator) this.background(this.coordinator.reconcile(), 'reconciling the wizard folders')
    }, RECONCILE_AFTER_QUIET_MS)
  }

  private async start(): Promise<void> {
    try {
      await this.startWatchingAndLoading()
    } finally {
      this.initialLoadOver()
    }
  }

  private async startWatchingAndLoading(): Promise<void> {
    try {
      if (!this.coordinator) {
        this.problem(`could not start: ${this.startError}`)
        return
      }
      const coordinator = this.coordinator
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
      const registryFound = this.registry?.check() ?? true
      // The watcher's own scan runs alongside the initial load; `reconcile` covers the overlap.
      const watching = this.watcher?.start() ?? Promise.resolve()
      if (!this.options.initialLoad) {
        this.initialLoadOver()
        await Promise.all([coordinator.scan(), watching, this.watcher ? viteWatcherReady(this.server.watcher) : undefined])
        if (!this.disposed) this.log.info(`watching ${where} (delay ${this.options.delay} ms${this.options.polling ? `, polling every ${this.options.polling} ms` : ''})`)
        return
      }
      const summary = await coordinator.initialLoad()
      this.initialLoadSummary = summary
      this.initialLoadOver()
      // Ready means every change is seen: ours, and Vite's for modules outside the wizard folders.
      await Promise.all([watching, this.watcher ? viteWatcherReady(this.server.watcher) : undefined])
      if (this.disposed) return
      if (this.watcher) await coordinator.reconcile()
      if (this.disposed) return
      const failed = summary.failed ? `, ${summary.failed} failed` : ''
      // Loaded into nothing is not "loaded": the registry's failure was said above.
      const into = registryFound ? '' : ` (no registry gets them: options.registry names no file, see above)`
      const loaded = `loaded ${summary.loaded} wizard${summary.loaded === 1 ? '' : 's'} from ${where} in ${summary.durationMs} ms${failed}${into}`
      if (!this.watcher) this.log.info(`${loaded}; hot reload is off (enabled: false or HOT_RELOAD_ENABLED=false): edits apply after a restart`)
      else this.log.info(`${loaded} (watching, delay ${this.options.delay} ms${this.options.polling ? `, polling every ${this.options.polling} ms` : ''})`)
    } catch (error) {
      if (!this.disposed) this.problem(`could not start: ${describeThrown(error)}`)
    }
  }
}
