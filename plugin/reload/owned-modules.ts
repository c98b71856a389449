import type { EnvironmentModuleNode } from 'vite'
import type { WatchedDirs } from '../files/watched-dirs.ts'
import { realPathOf } from '../shared/real-path.ts'
import { isImportedBy } from '../vite-internals/module-graph.ts'
import type { WizardStateStore } from './wizard-state.ts'

/**
 * The modules the plugin owns in the wizards' environment — every wizard's import closure, and the
 * registry's: it reloads them transactionally, so Vite's own server HMR must leave them alone (and
 * its full reload of the runner spares them).
 */
export class OwnedModules {
  /** A wizard file's real path, remembered: a link target rarely moves, and an old one only makes a module ours. */
  private readonly realPaths = new Map<string, string>()

  constructor(
    private readonly state: WizardStateStore,
    private readonly dirs: WatchedDirs,
    private readonly wizardId: (file: string) => string | null,
    private readonly registryFile: string | undefined,
  ) {}

  /** The files whose import closures are ours: every wizard's, and the registry's. */
  *files(): Iterable<string> {
    for (const record of this.state.all()) yield record.file
    if (this.registryFile) yield this.registryFile
  }

  /** What of a hot update Vite may still act on (undefined: all of it): not what a wizard or the registry imports. */
  withoutOwned(modules: EnvironmentModuleNode[]): EnvironmentModuleNode[] | undefined {
    // A wizard file that is a symlink is a module under its real path, outside the folders maybe: ours all the same.
    const wizardRealFiles = new Set(this.state.all().map((record) => this.realPathOf(record.file)))
    const owned = (file: string) => file === this.registryFile || wizardRealFiles.has(file) || (this.dirs.contains(file) && this.wizardId(file) !== null)
    const kept = modules.filter((mod) => !isImportedBy(mod, owned))
    return kept.length === modules.length ? undefined : kept
  }

  private realPathOf(file: string): string {
    let real = this.realPaths.get(file)
    if (real === undefined) this.realPaths.set(file, (real = realPathOf(file) ?? file))
    return real
  }
}
