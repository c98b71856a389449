import type { RunnableDevEnvironment, ViteDevServer } from 'vite'
import type { WizardReloadError } from '../../client/protocol.ts'
import type { ConfigLoad } from '../config/wizard-config.ts'
import type { FileSignature } from '../files/file-signature.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { ReloadHistory } from './history.ts'
import type { ModuleInstances } from './module-instances.ts'
import type { RegisterRefusal, VersionTransactions } from './version-transaction.ts'
import type { WizardStateStore } from './wizard-state.ts'
import type { WizardVersion } from './wizard-version.ts'
import type { InstancesMode } from './patch-step.ts'

/**
 * What the reload engine's steps (reconfigure, rollback, reporting an outcome) work with: the
 * engine's stores, its one version transaction, its loader and its sinks. The engine implements
 * it; the steps depend on this, not on the engine's class.
 */
export interface EngineParts {
  readonly server: ViteDevServer
  /** The environment wizards load in. */
  readonly environment: RunnableDevEnvironment
  readonly state: WizardStateStore
  readonly history: ReloadHistory
  readonly instances: ModuleInstances
  readonly transactions: VersionTransactions<WizardVersion>
  readonly events: WizardEventSink
  readonly advise: (message: string) => void
  /** After a version became the registered one, or the wizard was removed (undefined). */
  readonly committed: (wizardId: string, version: WizardVersion | undefined) => void
  readonly evaluatesKeptSources: boolean
  /** How reloads reach running instances unless a class says otherwise (`static hotReload`). */
  readonly instancesMode: InstancesMode
  readonly isWizardClass: (name: string, value: unknown) => boolean
  /** Files that loaded without a wizard class: helpers, whose failures their importers report. */
  readonly helperFiles: Set<string>
  /** Files named like wizards that export no wizard class, warned about once. */
  readonly warnedHelpers: Set<string>
  /** A load read `file` as `content` (the save intake: an event for that content is no new save). */
  readonly noteRead: (file: string, content: string | undefined, signature: FileSignature | null) => void
  readonly disposed: boolean
  exclusive<T>(wizardId: string, task: () => Promise<T>, token?: string): Promise<T>
  /** Evaluates the module, bounded by `loadTimeout`. */
  load(file: string): Promise<{ exports: Record<string, unknown> } | { failure: WizardReloadError; late?: Promise<unknown> }>
  loadConfig(wizardId: string, file: string, wizardClass: unknown): Promise<ConfigLoad>
  /** Waits up to `ms` for the file to stop reading as `source`. */
  changesWithin(file: string, source: string | undefined, ms: number): Promise<boolean>
  refusalFailure(wizardId: string, refusal: RegisterRefusal | undefined, hadPrevious: boolean): WizardReloadError
  /** What the wizard's config file on disk holds now (a hash), or null when there is none. */
  configOnDisk(wizardFile: string): string | null
}
