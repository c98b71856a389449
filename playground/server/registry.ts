/**
 * The backend's wizard registry. It never imports wizard files itself: the plugin loads them and
 * calls registerWizard / unregisterWizard, so this module (and its state) survives every reload.
 */
import type { RegisterContext } from 'vite-plugin-wizard-hot-reload'

export interface Wizard {
  run(input?: string): string
}
export interface WizardClass {
  /** `config`: the wizard's config file, validated by its `static configSchema` (undefined without one). */
  new (config?: never): Wizard
  title?: string
}

const wizards = new Map<string, WizardClass>()
const versions = new Map<string, number>()
const configs = new Map<string, unknown>()
let runs = 0

export function registerWizard(wizardId: string, wizardClass: WizardClass, context?: RegisterContext<WizardClass>): boolean {
  if (typeof wizardClass.prototype?.run !== 'function') return false
  wizards.set(wizardId, wizardClass)
  versions.set(wizardId, context?.version ?? 1)
  configs.set(wizardId, context?.config)
  return true
}

export function unregisterWizard(wizardId: string): void {
  wizards.delete(wizardId)
  versions.delete(wizardId)
  configs.delete(wizardId)
}

export function listWizards(): Array<{ id: string; title: string; version: number; output: string }> {
  return [...wizards.keys()].sort().map((id) => ({ id, title: titleOf(id), version: versions.get(id) ?? 1, output: runWizard(id) }))
}

export function runWizard(wizardId: string, input?: string): string {
  const wizardClass = wizards.get(wizardId)
  if (!wizardClass) throw new Error(`no wizard "${wizardId}"`)
  runs++
  return new wizardClass(configs.get(wizardId) as never).run(input)
}

export function hasWizard(wizardId: string): boolean {
  return wizards.has(wizardId)
}

/** A session of a multi-step wizard: an instance kept between requests (selective reload patches it in place). */
interface StepWizard extends Wizard {
  prompt(): string
  answer(text: string): string
  answers: string[]
}
const sessions = new Map<string, { wizardId: string; wizard: StepWizard }>()
let sessionCount = 0

/** Starts a session of a multi-step wizard; undefined when the wizard has no steps. */
export function startSession(wizardId: string): { session: string; prompt: string } | undefined {
  const wizardClass = wizards.get(wizardId)
  if (!wizardClass || typeof wizardClass.prototype.prompt !== 'function') return undefined
  const session = `${wizardId}-${++sessionCount}`
  const wizard = new wizardClass(configs.get(wizardId) as never) as StepWizard
  sessions.set(session, { wizardId, wizard })
  return { session, prompt: wizard.prompt() }
}

/** One answer to a running session: what it asks next, and its answers so far. */
export function answerSession(session: string, text: string): { prompt: string; answers: string[] } | undefined {
  const entry = sessions.get(session)
  if (!entry) return undefined
  const prompt = entry.wizard.answer(text)
  return { prompt, answers: [...entry.wizard.answers] }
}

/** Total runs since the server started: proof that the registry's state survives reloads. */
export function totalRuns(): number {
  return runs
}

function titleOf(wizardId: string): string {
  return wizards.get(wizardId)?.title ?? wizardId
}
