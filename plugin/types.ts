import type { WizardReloadError } from '../client/protocol.ts'

/** A wizard class: whatever constructor the wizard module exports. */
export type WizardClass = abstract new (...args: never[]) => unknown

/** Outcome of one reload, as the reference's `ReloadResult`. */
export interface ReloadResult {
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
  wizardClass: WizardClass | null
  durationMs: number
  /** True when the file turned out to be a helper: it exports no wizard class and was never registered. */
  helper: boolean
}
