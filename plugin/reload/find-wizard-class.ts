import { describeThrown, safeGet } from '../errors/thrown-value.ts'
import { ANONYMOUS_DEFAULT_EXPORT } from '../files/wizard-files.ts'
import type { WizardClass } from '../types.ts'

export type FindClassResult =
  | { ok: true; exportName: string; wizardClass: WizardClass }
  | { ok: false; reason: 'none' | 'several' | 'callback'; message: string; candidates: string[]; exportNames: string[] }

/** Names Vite's SSR transform (or the engine) gives an anonymous `export default class {}`. */
const ANONYMOUS_CLASS_NAMES = new Set(['', 'default', '__vite_ssr_export_default__'])

/**
 * Picks the wizard class among a module's exports.
 *
 * `importedExports` are the export objects of the modules this module imports: an export that is
 * the very same value as one of theirs is a re-export (an imported `BaseWizard`, say) and only
 * counts when the module defines no candidate of its own.
 *
 * Exports are read defensively: a getter or Proxy trap that throws makes that export "not a
 * wizard class". A throw from `isWizardClass` itself (the user's option) fails with reason
 * `callback`, naming the option.
 */
export function findWizardClass(
  moduleExports: Record<string, unknown>,
  isWizardClass: (name: string, value: unknown) => boolean,
  importedExports: Iterable<Record<string, unknown>> = [],
): FindClassResult {
  const exportNames = safeKeys(moduleExports)
  const candidates = new Map<unknown, string>()
  const test = (name: string, value: unknown): boolean => {
    try {
      return isWizardClass(name, value) === true
    } catch (error) {
      throw new IsWizardClassThrew(name, error)
    }
  }
  try {
    for (const name of exportNames) {
      if (name === 'default') continue
      const value = safeGet(moduleExports, name)
      if (!candidates.has(value) && test(name, value)) candidates.set(value, name)
    }
    const defaultExport = safeGet(moduleExports, 'default')
    if (typeof defaultExport === 'function' && !candidates.has(defaultExport)) {
      const ownName = safeGet(defaultExport, 'name')
      const name = typeof ownName === 'string' && !ANONYMOUS_CLASS_NAMES.has(ownName) ? ownName : ANONYMOUS_DEFAULT_EXPORT
      if (test(name, defaultExport)) candidates.set(defaultExport, name === ANONYMOUS_DEFAULT_EXPORT ? 'default (anonymous class)' : `default (${name})`)
    }
  } catch (error) {
    if (!(error instanceof IsWizardClassThrew)) throw error
    return {
      ok: false,
      reason: 'callback',
      candidates: [],
      exportNames,
      message: `options.isWizardClass threw for the export "${error.exportName}": ${describeThrown(error.thrown)}`,
    }
  }

  const importedValues = new Set<unknown>()
  for (const exports of importedExports) {
    for (const name of safeKeys(exports)) importedValues.add(safeGet(exports, name))
  }
  const own = [...candidates].filter(([value]) => !importedValues.has(value))
  const chosen = own.length > 0 ? own : [...candidates]

  if (chosen.length === 1) {
    const [[value, exportName]] = chosen
    return { ok: true, exportName, wizardClass: value as WizardClass }
  }
  const names = chosen.map(([, name]) => name)
  if (chosen.length === 0) {
    return {
      ok: false,
      reason: 'none',
      candidates: [],
      exportNames,
      message: `No wizard class exported (exports: ${exportNames.length ? exportNames.join(', ') : 'none'}); export a class whose name ends with "Wizard".`,
    }
  }
  return { ok: false, reason: 'several', candidates: names, exportNames, message: `Several wizard classes exported: ${names.join(', ')}; export exactly one.` }
}

class IsWizardClassThrew {
  constructor(
    readonly exportName: string,
    readonly thrown: unknown,
  ) {}
}

function safeKeys(target: unknown): string[] {
  try {
    return Object.keys(target as object)
  } catch {
    return []
  }
}
