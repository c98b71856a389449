import { debug } from '../debug.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import type { SymlinkRule } from '../files/symlink-rule.ts'
import { WizardFileWatcher } from '../files/watcher.ts'
import type { TerminalLog } from '../notify/terminal-log.ts'
import type { ResolvedWizardHotReloadOptions } from '../options.ts'
import type { ReloadCoordinator } from '../reload/coordinator.ts'

export interface WizardWatcherWiring {
  options: ResolvedWizardHotReloadOptions
  symlinks: SymlinkRule
  coordinator: ReloadCoordinator
  log: TerminalLog
  /** Runs a background task; a rejection is a logged problem. */
  background: (work: Promise<unknown>, what: string) => void
  problem: (message: string) => void
  /** Folders changed shape: compare them with what is registered, once things are quiet. */
  structureChanged: () => void
}

/** The watcher of the wizard folders, wired to the session: each settled change goes to the coordinator. */
export function watchWizardFolders({ options, symlinks, coordinator, log, background, problem, structureChanged }: WizardWatcherWiring): WizardFileWatcher {
  return new WizardFileWatcher({
    dirs: options.dirs,
    delay: options.delay,
    wizardId: options.wizardId,
    polling: options.polling,
    symlinks,
    onChange: ({ file, type, firstEventAt }) => {
      debug?.(`${type} ${file}`)
      background(coordinator.fileChanged(file, firstEventAt), `reloading ${log.relative(file)}`)
    },
    onRemoveDir: (dir) => background(coordinator.folderRemoved(dir), `removing the wizards of ${log.relative(dir)}`),
    onStructureChange: structureChanged,
    onSkippedLink: (link, verdict) => {
      if (verdict.loop) log.warn(`${log.relative(link)} is a symlink to ${log.relative(verdict.target)}, a folder on its own path (a loop); it is not watched.`)
      else debug?.(`${link} links into a watched folder (${verdict.target}); its files are watched there`)
    },
    onError: (error) => problem(`watcher error: ${describeThrown(error)}`),
  })
}
