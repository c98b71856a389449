/**
 * The page ↔ dev server request wire: what travels on Vite's HMR socket under `WIZARD_EVENTS.ready`,
 * `.request` and `.reply`. Internal to the package (the plugin answers, `client/requests.ts` asks);
 * apps use `wizardActions` from `./client` or the plugin's `api`.
 */
import type { ExtensionOfferGrant } from './extension-wire.ts'
import type { WizardActionDone, WizardDiff, WizardHistoryEntry } from './protocol.ts'

export interface WizardReadyPayload {
  /** Free text, only for debugging. */
  client?: string
}

/** What a page may ask, over Vite's HMR socket (`import.meta.hot.send(WIZARD_EVENTS.request, …)`). */
export type WizardRequest =
  | { id: string; type: 'history'; wizardId: string }
  | { id: string; type: 'diff'; wizardId: string; from: number; to: number }
  | { id: string; type: 'rollback'; wizardId: string; version: number }
  | { id: string; type: 'undo'; wizardId: string }
  | { id: string; type: 'retry'; wizardId: string }
  /** A one-time pairing offer for the browser extension (the panel's "Connect the browser extension"); pages only. */
  | { id: string; type: 'extension-offer' }

export interface WizardRequestResults {
  history: WizardHistoryEntry[]
  diff: WizardDiff
  rollback: WizardActionDone
  undo: WizardActionDone
  retry: WizardActionDone
  'extension-offer': ExtensionOfferGrant
}

export type WizardReply = { id: string; ok: true; result: WizardRequestResults[keyof WizardRequestResults] } | { id: string; ok: false; error: string }
