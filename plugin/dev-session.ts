// Longer than our ~350-line mark on purpose: this is the wiring of one dev server's ~15 parts in one
// constructor (their policies live in session/, files/, reload/, origins/, backends/…). Splitting
// the constructor further would only pass the same references around.
import path from 'node:path'
import type { EnvironmentModuleNode, ViteDevServer } from 'vite'
import type { HotReloadStatus, WizardDiff } from '../client/protocol.ts'
import { describeThrown } from './errors/thrown-value.ts'
import { SymlinkRule } from './files/symlink-rule.ts'
import { WatchedDirs } from './files/watched-dirs.ts'
import type { WizardFileWatcher } from './files/watcher.ts'
import { eventFanout, type WizardEventFanout, type WizardEventSink } from './notify/event-sink.ts'
import { HmrEventSink } from './notify/hmr-events.ts'
import type { ProblemLog } from './notify/problem-log.ts'
import { TerminalLog } from './notify/terminal-log.ts'
import { ReferenceWebSocketEndpoint, type UpgradeableServer } from './notify/ws-endpoint.ts'
import type { ResolvedWizardHotReloadOptions } from './options.ts'
import { ReloadCoordinator } from './reload/coordinator.ts'
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
import type { BackendEndpoint } from './backends/backend-endpoint.ts'
import type { BackendHub } from './backends/backend-hub.ts'
import type { BackendRelay } from './backends/backend-relay.ts'
import { openBackendChannel } from './backends/backend-channel.ts'
import { spareOnFullReload } from './vite-internals/runner-graph.ts'
import { openExtensionChannel, type ExtensionChannel } from './extension-link/extension-channel.ts'
import { RequestError } from './requests/page-requests.ts'
import { startSession } from './session/start-session.ts'
import { watchWizardFolders } from './session/wizard-watcher.ts'
import { OutsideChanges, type OutsideChangeType } from './session/outside-changes.ts'
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
  private readonly dirs: WatchedDirs
  private readonly symlinks: SymlinkRule
  private readonly leaks: LeakWatch
  readonly history: ReloadHistory
  private readonly requests: PageRequests | undefined
  /** Which HMR sockets are the dev server's own pages: they alone get events and may send requests. */
  private readonly pageTrust: PageTrust | undefined
  private readonly watcher: WizardFileWatcher | undefined
  /** Changes of files outside the wizard folders that wizards import or are configured by. */
  private readonly outside: OutsideChanges | undefined
  private readonly hmr: HmrEventSink | undefined
  private readonly ws: ReferenceWebSocketEndpoint | undefined
  /** Backend processes (`connectWizardHotReload`): their hub, its endpoint, and the relay that waits for them. */
  private readonly backends: BackendHub | undefined
  private readonly backendEndpoint: BackendEndpoint | undefined
  private readonly relay: BackendRelay | undefined
  /** The browser extension's endpoint, its pairings and offers (undefined when hot reload is off, or Vite would serve its pairings). */
  private readonly extensions: ExtensionChannel | undefined
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
    this.events = eventFanout((error) => this.problem(`an event listener threw ${describeThrown(error)}`))
    this.events.add(this.log)
    if (watching) {
      const trust = (this.pageTrust = new PageTrust(server, origins, (message) => this.log.warn(message)))
      this.hmr = new HmrEventSink(server, this.state, (client) => trust.trusts(client))
      this.events.add(this.hmr.sink)
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
        instances: options.instances,
        configFile: options.configFile,
        control: (socket) => serveControlRequests(socket, this.requestHandlers, () => this.getStatus()),
        info: (message) => this.log.info(message),
        problem: (message) => this.problem(message),
      })
      this.backends = channel.hub
      this.relay = channel.relay
      this.backendEndpoint = channel.endpoint
    }
    this.history = new ReloadHistory(options.history)
    this.requestHandlers = requestHandlers({
      state: this.state,
      history: this.history,
      rollback: (wizardId, version) => this.rollback(wizardId, version),
      undo: (wizardId) => this.undo(wizardId),
      retry: (wizardId) => this.retry(wizardId),
      offerExtension: () => {
        if (!this.extensions) throw new RequestError("the browser extension's endpoint is off on this dev server (see its terminal)")
        return this.extensions.offers.create()
      },
    })
    const hmr = this.hmr
    if (watching && hmr) {
      this.extensions = openExtensionChannel({
        server,
        snapshot: () => hmr.snapshot(),
        handlers: this.requestHandlers,
        info: (message) => this.log.info(message),
        problem: (message) => this.problem(message),
      })
      if (this.extensions) this.events.add(this.extensions.clients.sink)
    }
    this.leaks = new LeakWatch(
      this.state,
      (message) => this.log.warn(message),
      (wizardId, version) => this.history.holdsClass(wizardId, version),
    )
    this.initialLoadDone = new Promise((resolve) => (this.initialLoadOver = resolve))
    this.registryFile = !options.register && options.registry ? path.resolve(root, options.registry) : undefined
    this.registry = this.registryFile
      ? new SharedRegistry({
          file: this.registryFile,
          option: options.registry!,
          environment: () => this.reloader!.environment,
          registerTimeout: options.registerTimeout,
          current: () =>
            this.state
              .registered()
              .flatMap((record) =>
                record.current ? [{ wizardId: record.wizardId, wizardClass: record.current.wizardClass, context: record.current.context }] : [],
              ),
          loading: () => this.coordinator?.loadingInitially() ?? [],
          initialLoadDone: () => this.initialLoadDone,
          relative: (file) => this.log.relative(file),
          cacheDir: server.config.cacheDir,
          backendEndpoint: () =>
            this.backendEndpoint
              ? { on: true }
              : {
                  on: false,
                  why: options.backends
                    ? 'the backend endpoint is off (see the line above)'
                    : 'the backend endpoint is off (backends: false); remove backends: false to let it connect back',
                },
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
        instances: options.instances,
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
    if (watching && this.coordinator) {
      this.outside = new OutsideChanges({
        dirs: this.dirs,
        coordinator: this.coordinator,
        registry: this.registry,
        environment: () => this.reloader!.environment,
        watch: { delay: options.delay, polling: options.polling },
        background: (work, what) => this.background(work, what),
        problem: (message) => this.problem(message),
        relative: (file) => this.log.relative(file),
      })
    }
    if (watching && this.reloader && this.pageTrust) {
      const trust = this.pageTrust
      this.requests = new PageRequests(server, this.requestHandlers, (client) => trust.refusal(client))
    }
    if (watching && this.coordinator) {
      const coordinator = this.coordinator
      this.watcher = watchWizardFolders({
        options,
        symlinks: this.symlinks,
        coordinator,
        log: this.log,
        background: (work, what) => this.background(work, what),
        problem: (message) => this.problem(message),
        structureChanged: () => this.scheduleReconcile(),
      })
    }
    // Modules outside the wizard folders are watched by Vite. With HMR on, the plugin's `hotUpdate`
    // reports them; Vite skips that hook when `server.hmr` is false, so then we listen to its watcher.
    if (watching && this.coordinator && server.config.server.hmr === false) {
      this.unfollowVite = followViteWatcher(
        server.watcher,
        () => this.reloader!.environment,
        (file, type) => this.externalFileChanged(file, type),
      )
    }
    this.ready = startSession({
      server,
      options,
      log: this.log,
      coordinator: this.coordinator,
      watcher: this.watcher,
      registry: this.registry,
      startError: this.startError,
      isDisposed: () => this.disposed,
      initialLoadOver: () => this.initialLoadOver(),
      problem: (message) => this.problem(message),
    })
  }

  /** What the panel's requests (and the CLI's) do: the same validated path for both. */
  private readonly requestHandlers: RequestHandlers

  /** Serves the reference WebSocket endpoint on this HTTP server too (middleware mode). */
  attachWebSocket(httpServer: UpgradeableServer): () => void {
    // Where it listens goes to the discovery file: runtimes elsewhere and the CLI read it.
    const forget = recordWhereListening(httpServer, this.server.config.cacheDir, Boolean(this.server.config.server.https))
    this.forgetAddresses.add(forget)
    // Its port serves the dev server's pages (middleware mode): pages there are its own.
    const detach = [
      this.ws?.attach(httpServer),
      this.backendEndpoint?.attach(httpServer),
      this.extensions?.endpoint.attach(httpServer),
      forget,
      this.origins.addServer(httpServer),
    ]
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
      extensions: this.extensions?.clients.status() ?? [],
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
  externalFileChanged(file: string, type: OutsideChangeType): void {
    if (!this.disposed) this.outside?.changed(file, type)
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
    this.coordinator?.dispose()
    this.hmr?.dispose()
    this.requests?.dispose()
    this.pageTrust?.dispose()
    this.ws?.close()
    for (const forget of this.forgetAddresses) forget()
    this.backendEndpoint?.close()
    this.backends?.close()
    this.extensions?.endpoint.close()
    this.extensions?.clients.close()
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
}
