import type { ViteDevServer } from 'vite'
import { displayPath } from '../errors/display-path.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { pollingHint, readMounts } from '../files/mount-hint.ts'
import type { WizardFileWatcher } from '../files/watcher.ts'
import type { TerminalLog } from '../notify/terminal-log.ts'
import type { ResolvedWizardHotReloadOptions } from '../options.ts'
import type { ReloadCoordinator, InitialLoadSummary } from '../reload/coordinator.ts'
import type { SharedRegistry } from '../registry/shared-registry.ts'
import { viteWatcherReady } from '../vite-internals/vite-watcher.ts'

/** What a session's start needs of the session. */
export interface StartingSession {
  readonly server: ViteDevServer
  readonly options: ResolvedWizardHotReloadOptions
  readonly log: TerminalLog
  readonly coordinator: ReloadCoordinator | undefined
  readonly watcher: WizardFileWatcher | undefined
  readonly registry: SharedRegistry | undefined
  /** Why the session could not build its reload engine, if it could not. */
  readonly startError: string | undefined
  isDisposed(): boolean
  /** The initial load is over (every wizard registered, or its failure reported), or skipped. */
  initialLoadOver(summary?: InitialLoadSummary): void
  problem(message: string): void
}

/**
 * Starts a session: the watcher and the initial load side by side, then a reconcile for what
 * changed in between, and the start line. Resolves when the session is ready (never rejects: a
 * failure to start is a logged problem).
 */
export async function startSession(session: StartingSession): Promise<void> {
  const { server, options, log, coordinator, watcher } = session
  try {
    if (!coordinator) {
      session.problem(`could not start: ${session.startError}`)
      return
    }
    const where = options.dirs.map((dir) => displayPath(server.config.root, dir) || '.').join(', ')
    if (options.dirs.length === 0)
      log.warn('no wizard folder to watch: none of the default folders exists and no `dirs` option or HOT_RELOAD_WATCH_DIRS names one.')
    if (watcher && options.polling === false) {
      const mounts = readMounts()
      for (const dir of options.dirs) {
        const hint = pollingHint(dir, mounts)
        if (hint) log.warn(hint)
      }
    }
    const registryFound = session.registry?.check() ?? true
    const watching = `delay ${options.delay} ms${options.polling ? `, polling every ${options.polling} ms` : ''}`
    // The watcher's own scan runs alongside the initial load; `reconcile` covers the overlap.
    const watcherReady = watcher?.start() ?? Promise.resolve()
    if (!options.initialLoad) {
      session.initialLoadOver()
      await Promise.all([coordinator.scan(), watcherReady, watcher ? viteWatcherReady(server.watcher) : undefined])
      if (!session.isDisposed()) log.info(`watching ${where} (${watching})`)
      return
    }
    const summary = await coordinator.initialLoad()
    session.initialLoadOver(summary)
    // Ready means every change is seen: ours, and Vite's for modules outside the wizard folders.
    await Promise.all([watcherReady, watcher ? viteWatcherReady(server.watcher) : undefined])
    if (session.isDisposed()) return
    if (watcher) await coordinator.reconcile()
    if (session.isDisposed()) return
    const failed = summary.failed ? `, ${summary.failed} failed` : ''
    // Loaded into nothing is not "loaded": the registry's failure was said above.
    const into = registryFound ? '' : ` (no registry gets them: options.registry names no file, see above)`
    const loaded = `loaded ${summary.loaded} wizard${summary.loaded === 1 ? '' : 's'} from ${where} in ${summary.durationMs} ms${failed}${into}`
    if (!watcher) log.info(`${loaded}; hot reload is off (enabled: false or HOT_RELOAD_ENABLED=false): edits apply after a restart`)
    else log.info(`${loaded} (watching, ${watching})`)
  } catch (error) {
    if (!session.isDisposed()) session.problem(`could not start: ${describeThrown(error)}`)
  } finally {
    session.initialLoadOver()
  }
}
