import type { RunnableDevEnvironment } from 'vite'
import { debug } from '../debug.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import { OutsideWatch } from '../files/outside-watch.ts'
import { TrailingCheck } from '../files/trailing-check.ts'
import type { WatchedDirs } from '../files/watched-dirs.ts'
import type { ReloadCoordinator } from '../reload/coordinator.ts'
import type { SharedRegistry } from '../registry/shared-registry.ts'
import { invalidateFile } from '../vite-internals/module-graph.ts'

export type OutsideChangeType = 'create' | 'update' | 'delete'

export interface OutsideChangesOptions {
  dirs: WatchedDirs
  coordinator: ReloadCoordinator
  registry: SharedRegistry | undefined
  environment: () => RunnableDevEnvironment
  /** The plugin watches those files itself too (a wizard's imports and configs outside the folders); false: only Vite does. */
  watch: { delay: number; polling: number | false } | false
  /** Runs a background task; a rejection is a logged problem. */
  background: (work: Promise<unknown>, what: string) => void
  problem: (message: string) => void
  relative: (file: string) => string
}

/**
 * Changes of files outside the wizard folders — modules wizards import, config files, the
 * registry module — from Vite's watcher and the plugin's own watch of them, merged into one
 * debounced change per save and routed: a config to its wizard, the registry to its instances,
 * a module to the wizards importing it.
 */
export class OutsideChanges {
  private readonly watch: OutsideWatch | undefined
  /** Vite's watcher has chokidar's 50 ms change throttle too: a quick second save is looked at again. */
  private readonly trailing = new TrailingCheck((file, exists) => {
    if (this.closed) return
    invalidateFile(this.options.environment(), file) // what Vite's watcher would have done
    this.changed(file, exists ? 'update' : 'delete')
  })
  private closed = false

  constructor(private readonly options: OutsideChangesOptions) {
    this.watch = options.watch
      ? new OutsideWatch(
          options.watch.delay,
          (file, type) => {
            debug?.(`${type} ${file} (outside the wizard folders)`)
            this.settled(file, type)
          },
          (error) => options.problem(`watcher error: ${describeThrown(error)}`),
          options.watch.polling,
        )
      : undefined
  }

  /** Watch this file too (a module a wizard imports, or a config file, outside the folders). */
  add(file: string): void {
    this.watch?.add(file)
  }

  /** Vite's watcher saw a change, after Vite invalidated it: debounced with what the plugin's own watch sees of that file. */
  changed(file: string, type: OutsideChangeType): void {
    if (this.closed || this.options.dirs.contains(file)) return
    if (this.watch) this.watch.report(file, type)
    else this.settled(file, type)
  }

  async close(): Promise<void> {
    this.closed = true
    this.trailing.stop()
    await this.watch?.close()
  }

  /** A change outside the watched folders, once its burst is over. */
  private settled(file: string, type: OutsideChangeType): void {
    const { coordinator, registry, background, relative } = this.options
    if (this.closed || this.options.dirs.contains(file)) return
    // Whoever saw it, a quick second save that the watchers' change throttle drops is looked at again.
    this.trailing.after(file)
    if (coordinator.isConfigFile(file)) {
      background(coordinator.fileChanged(file), `reloading the config ${relative(file)}`)
      return
    }
    if (registry?.isOwnModule(file) && type !== 'delete') {
      // Evaluated afresh wherever it is imported next: that instance attaches itself and is caught up.
      registry.changed(file)
      if (file === registry.file) return
    }
    background(coordinator.externalFileChanged(file, type === 'create'), `reloading the importers of ${relative(file)}`)
  }
}
