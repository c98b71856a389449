import type { HotReloadStatus, WizardActionResult, WizardDiff, WizardHistoryEntry } from '../client/protocol.ts'
import type { DevSession } from './dev-session.ts'
import type { WizardEventSink } from './notify/event-sink.ts'
import type { UpgradeableServer } from './notify/upgrade-route.ts'
import type { ResolvedWizardHotReloadOptions } from './options.ts'

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
  /** A line diff between two kept versions' sources (and their config files); throws for a version not kept. */
  diff(wizardId: string, from: number, to: number): WizardDiff
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

/** What the API needs of the plugin it belongs to. */
export interface ApiHost {
  readonly session: DevSession | undefined
  readonly options: ResolvedWizardHotReloadOptions | undefined
  /** User sinks, and the function that detaches each from the current session. */
  readonly sinks: Map<WizardEventSink, () => void>
  /** HTTP servers the user attached (middleware mode), and the function that detaches each. */
  readonly attachedServers: Map<UpgradeableServer, () => void>
  /** The reference endpoint's path answers 404 on this server (hot reload off). */
  refuseEndpoint(httpServer: UpgradeableServer): void
}

/** The plugin's `api`: every call goes to the dev server running now (a restart makes a new session). */
export function createPluginApi(host: ApiHost): WizardHotReloadApi {
  return {
    get options() {
      return host.options
    },
    get ready() {
      return host.session?.ready ?? Promise.resolve()
    },
    idle() {
      return host.session?.idle() ?? Promise.resolve()
    },
    getStatus() {
      return host.session?.getStatus() ?? { enabled: false }
    },
    history(wizardId) {
      return host.session?.history.entries(wizardId) ?? []
    },
    diff(wizardId, from, to) {
      if (!host.session) throw new Error('no dev server is running')
      return host.session.diff(wizardId, from, to)
    },
    rollback(wizardId, version) {
      return host.session?.rollback(wizardId, version) ?? noServer(wizardId)
    },
    undo(wizardId) {
      return host.session?.undo(wizardId) ?? noServer(wizardId)
    },
    retry(wizardId) {
      return host.session?.retry(wizardId) ?? noServer(wizardId)
    },
    addSink(sink) {
      if (!host.sinks.has(sink)) host.sinks.set(sink, host.session?.addSink(sink) ?? (() => {}))
      return () => {
        host.sinks.get(sink)?.()
        host.sinks.delete(sink)
      }
    },
    attach(httpServer) {
      if (!host.attachedServers.has(httpServer)) host.attachedServers.set(httpServer, host.session?.attachWebSocket(httpServer) ?? (() => {}))
      // Off: the path answers 404 on this server too (attached after the dev server started, as in middleware mode).
      if (host.session && host.options && !host.options.enabled) host.refuseEndpoint(httpServer)
      return () => {
        host.attachedServers.get(httpServer)?.()
        host.attachedServers.delete(httpServer)
      }
    },
  }
}

function noServer(wizardId: string): Promise<WizardActionResult> {
  return Promise.resolve({ ok: false, wizardId, version: null, error: 'no dev server is running' })
}
