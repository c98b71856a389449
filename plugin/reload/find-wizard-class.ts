import type { WizardClass } from '../types.ts'

export type FindClassResult =
  | { ok: true; exportName: string; wizardClass: WizardClass }
  | { ok: false; reason: 'none' | 'several'; message: string; candidates: string[] }

/**
 * Picks the wizard class among a module's exports.
 *
 * `importedExports` are the export objects of the modules this module imports: an export that is
 * the very same value as one of theirs is a re-export (an imported `BaseWizard`, say) and only
 * counts when the module defines no candidate of its own.
 */
export function findWizardClass(
  moduleExports: Record<string, unknown>,
  isWizardClass: (name: string, value: unknown) => boolean,
  importedExports: Iterable<Record<string, unknown>> = [],
): FindClassResult {
  const candidates = new Map<unknown, string>()
  for (const [name, value] of Object.entries(moduleExports)) {
    if (name === 'default') continue
    if (isWizardClass(name, value) && !candidates.has(value)) candidates.set(value, name)
  }
  const defaultExport = moduleExports.default
  if (typeof defaultExport === 'function' && !candidates.has(defaultExport)) {
    const name = defaultExport.name || 'default'
    if (isWizardClass(name, defaultExport)) candidates.set(defaultExport, `default (${name})`)
  }

  const importedValues = new Set<unknown>()
  for (const exports of importedExports) {
    for (const value of Object.values(exports)) importedValues.add(value)
  }
  const own = [...candidates].filter(([value]) => !importedValues.has(value))
  const chosen = own.length > 0 ? own : [...candidates]

  if (chosen.length === 1) {
    const [[value, exportName]] = chosen
    return { ok: true, exportName, wizardClass: value as WizardClass }
  }
  const names = chosen.map(([, name]) => name)
  if (chosen.length === 0) {
    const exported = Object.keys(moduleExports)
    return {
      ok: false,
      reason: 'none',
      candidates: [],
      message: `No wizard class exported (exports: ${exported.length ? exported.join(', ') : 'none'}); export a class whose name ends with "Wizard".`,
    }
  }
  return {
    ok: false,
    reason: 'several',
    candidates: names,
    message: `Several wizard classes exported: ${names.join(', ')}; export exactly one.`,
  }
}
