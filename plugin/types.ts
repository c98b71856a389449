import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { WizardPatchSummary, WizardReloadError } from '../client/protocol.ts'

/**
 * A wizard class: whatever constructor the wizard module exports. Callbacks may narrow it to your
 * own wizard type (`new () => Wizard`); the plugin hands over what the module exports.
 */
export type WizardClass<Instance = unknown> = abstract new (...args: never[]) => Instance

/**
 * The config a wizard class gets: its `static configSchema`'s output type (a Standard Schema:
 * Zod, Valibot, ArkType …), else `unknown` (the parsed file as it is, or undefined without one).
 */
export type WizardConfigOf<C> = C extends { configSchema: infer S } ? (S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown) : unknown

/** What `register` is told about the version it registers (a third argument; two-argument callbacks ignore it). */
export interface RegisterContext<C extends WizardClass = WizardClass> {
  /** 1, 2, 3 … per wizard id: one per registered version (the initial load is version 1). */
  version: number
  /** Absolute path of the wizard file. */
  file: string
  /** The class being replaced, or undefined for the first version. */
  previous: C | undefined
  /**
   * Aborted when this version stops being the registered one: replaced by a newer version, its
   * file deleted, rolled back from, or the dev server closing. Tie timers, sockets and pools to it.
   */
  signal: AbortSignal
  /** One object per wizard id that survives versions (like `import.meta.hot.data`): hand state over through it. */
  data: Record<string, unknown>
  /**
   * The wizard's config file (`debug_wizard.config.yaml` …), parsed and validated by the class's
   * `static configSchema` when it has one; undefined when there is no config file (and the schema
   * allows that). A config edit registers the same class again with the new config.
   */
  config: WizardConfigOf<C>
  /**
   * Set when this version is a selective reload (`instances: 'patch'`): the class passed is the one
   * registered before — the same object, its changed members replaced — and this says which.
   */
  patch?: WizardPatchSummary
}

/** Returning `false`, throwing, rejecting or taking longer than `registerTimeout` fails the reload. */
export type RegisterWizard<C extends WizardClass = WizardClass> = (
  wizardId: string,
  wizardClass: C,
  context: RegisterContext<C>,
) => boolean | void | Promise<boolean | void>

/** Called when a wizard's file is deleted. */
export type UnregisterWizard = (wizardId: string) => boolean | void | Promise<boolean | void>

/** Outcome of one reload, as the reference's `ReloadResult`. */
export interface ReloadResult<C extends WizardClass = WizardClass> {
  success: boolean
  wizardId: string
  file: string
  /** One human line: "debug reloaded in 12 ms" / "debug failed: …". */
  message: string
  /** Plain-text error message when `success` is false. */
  error: string | null
  /** Structured failure when `success` is false. */
  failure: WizardReloadError | null
  /** The class now registered (the previous one when the reload failed). */
  wizardClass: C | null
  durationMs: number
  /** True when the file turned out to be a helper: it exports no wizard class and was never registered. */
  helper: boolean
}
