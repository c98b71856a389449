import type { ReloadResult, WizardClass } from '../types.ts'
import { ReloadEngine } from './reload-engine.ts'
import type { ReloadOptions, RollbackOutcome, WizardReloaderOptions } from './reloader-options.ts'

export type { ReloadOptions, RollbackOutcome, WizardReloaderOptions } from './reloader-options.ts'

/**
 * Re-evaluates one wizard through the dev server's module runner and registers the new class —
 * transactionally: on any failure the previously registered class stays registered, and the old
 * version is disposed (its signal aborted, its modules' `import.meta.hot.dispose` callbacks run)
 * only after the new one is registered. Calls for one wizard run one after the other.
 *
 * The plugin's own engine does the work; this is its public face for use without the plugin (the
 * engine's other methods — the watcher's entry points — stay out of reach).
 */
export class WizardReloader<C extends WizardClass = WizardClass> {
  readonly #engine: ReloadEngine<C>

  constructor(options: WizardReloaderOptions<C>) {
    this.#engine = new ReloadEngine(options)
  }

  /** Successful hot reloads since the reloader was created (initial loads excluded). */
  getReloadCount(): number {
    return this.#engine.getReloadCount()
  }

  /** Reloads one wizard; calls for the same wizard run one after the other. */
  reloadWizard(wizardId: string, filePath: string, options: ReloadOptions = {}): Promise<ReloadResult<C>> {
    return this.#engine.reloadWizard(wizardId, filePath, options)
  }

  /** The file of `wizardId` was deleted: unregister it (only if that file is what is registered). */
  removeWizard(wizardId: string, filePath: string): Promise<boolean> {
    return this.#engine.removeWizard(wizardId, filePath)
  }

  /**
   * Registers a kept version's class again — transactionally: if `register` refuses, nothing
   * changes; otherwise the version being left is disposed after, as in any reload. The wizard is
   * then pinned (the file on disk is newer) until its next save. Never writes the user's files.
   */
  rollback(wizardId: string, version: number): Promise<RollbackOutcome> {
    return this.#engine.rollback(wizardId, version)
  }

  /** Rolls back to the version registered before the current one. */
  undo(wizardId: string): Promise<RollbackOutcome> {
    return this.#engine.undo(wizardId)
  }

  /** No register/unregister call happens after this; `close()` also disposes what is registered. */
  dispose(): void {
    this.#engine.dispose()
  }

  /** Disposes every registered version (signals aborted, dispose callbacks run) and stops. */
  close(): Promise<void> {
    return this.#engine.close()
  }

  get isDisposed(): boolean {
    return this.#engine.isDisposed
  }
}
