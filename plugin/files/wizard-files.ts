import path from 'node:path'

/** `.ts .tsx .mts .cts .js .jsx .mjs .cjs` */
const SOURCE_EXTENSION_RE = /\.(?:[mc]?[tj]s|[tj]sx)$/
const WIZARD_SUFFIX_RE = /(?:[_.-]wizard|Wizard)$/
const TEST_STEM_RE = /\.(?:test|spec)$/

/** True for a module file (wizard or helper): a source extension, not a declaration file. */
export function isSourceFile(file: string): boolean {
  return SOURCE_EXTENSION_RE.test(file) && !/\.d\.[mc]?ts$/.test(file)
}

/** Anything under `node_modules` or `__tests__` is never a wizard. */
export function isInExcludedFolder(file: string): boolean {
  return file.split(/[\\/]/).some((segment) => segment === 'node_modules' || segment === '__tests__')
}

/** Folders the watcher skips below a watched folder: the above plus dot-folders (`.git`, `.cache`). */
export function isSkippedFolderName(name: string): boolean {
  return name === 'node_modules' || name === '__tests__' || (name.startsWith('.') && name !== '.' && name !== '..')
}

/** Files the watcher never reports: dotfiles (editors' `.x.swp`, atomic-save temp files) and `x~` backups. */
export function isSkippedFileName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~')
}

/**
 * The default wizard id rule: the file name without its extension, minus a trailing
 * `_wizard`, `-wizard`, `.wizard` or `Wizard`, lower-cased. `null` for files that are not wizards.
 */
export function defaultWizardId(file: string): string | null {
  if (!isSourceFile(file) || isInExcludedFolder(file)) return null
  const base = path.basename(file)
  if (base.startsWith('_') || base.startsWith('.')) return null
  const stem = base.replace(SOURCE_EXTENSION_RE, '')
  if (TEST_STEM_RE.test(stem)) return null
  const id = stem.replace(WIZARD_SUFFIX_RE, '').toLowerCase()
  return id === '' ? null : id
}

/** True when the file's name says "wizard" (`summary_wizard.ts`, `SummaryWizard.ts`), not merely a module in `dirs`. */
export function hasWizardSuffix(file: string): boolean {
  return WIZARD_SUFFIX_RE.test(path.basename(file).replace(SOURCE_EXTENSION_RE, ''))
}

const BASE_CLASS_RE = /^(?:Base|Abstract)(?=[A-Z])/

/** A base class's name by the default rule (`BaseWizard`, `AbstractReviewWizard`): a module exporting one is a base module, on purpose. */
export function isBaseClassName(name: string): boolean {
  return BASE_CLASS_RE.test(name)
}

/** The name class discovery passes for an anonymous `export default class {}`. */
export const ANONYMOUS_DEFAULT_EXPORT = 'default'

/**
 * The default wizard-class test: a class whose name ends with `Wizard`, except base classes
 * named `Base…`/`Abstract…` followed by a capital (`BaseballWizard` is a wizard); an anonymous
 * default-exported class (`export default class {}`) counts too. Never throws.
 */
export function defaultIsWizardClass(name: string, value: unknown): boolean {
  if (!isClass(value)) return false
  if (name === ANONYMOUS_DEFAULT_EXPORT) return true
  if (!name.endsWith('Wizard')) return false
  return !BASE_CLASS_RE.test(name)
}

/**
 * True for `class` declarations, not plain or arrow functions: only a class has a non-writable
 * `prototype` (cheaper than stringifying the whole class with `Function.prototype.toString`).
 * A Proxy whose traps throw is not a class.
 */
export function isClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  if (typeof value !== 'function') return false
  try {
    return Object.getOwnPropertyDescriptor(value, 'prototype')?.writable === false
  } catch {
    return false
  }
}
