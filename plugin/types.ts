import type { WizardReloadError } from '../client/protocol.ts'

/**
 * A wizard class: whatever constructor the wizard module exports. Callbacks may narrow it to your
 * own wizard type (`new () => Wizard`); the plugin hands over what the module exports.
 */
export type WizardClass<Instance = unknown> = abstract new (...args: never[]) => Instance

/** Returning `false`, throwing, rejecting or taking longer than `registerTimeout` fails the reload. */
export type RegisterWizard<C extends WizardClass = WizardClass> = (wizardId: string, wizardClass: C) => boolean | void | Promise<boolean | void>

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
