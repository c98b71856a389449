// The README's registry pattern: it never imports a wizard — the plugin hands them over.
export interface Wizard {
  run(input?: string): string
}
type WizardClass = new () => Wizard

const wizards = new Map<string, WizardClass>()

export function registerWizard(id: string, cls: WizardClass): boolean {
  wizards.set(id, cls)
  return true
}

export function unregisterWizard(id: string): void {
  wizards.delete(id)
}

export function runWizard(id: string, input?: string): string {
  const cls = wizards.get(id)
  if (!cls) throw new Error(`no wizard "${id}" (registry has ${wizards.size})`)
  return new cls().run(input)
}
