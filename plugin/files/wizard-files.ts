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

const BASE_CLASS_RE = /^(?:Base|Abstract)(?=[A-Z])/

/**
 * The default wizard-class test: a class whose name ends with `Wizard`, except base classes
 * named `Base…`/`Abstract…` followed by a capital (`BaseballWizard` is a wizard).
 */
export function defaultIsWizardClass(name: string, value: unknown): boolean {
  if (!isClass(value)) return false
  if (!name.endsWith('Wizard')) return false
  return !BASE_CLASS_RE.test(name)
}

/**
 * True for `class` declarations, not plain or arrow functions: only a class has a non-writable
 * `prototype` (cheaper than stringifying the whole class with `Function.prototype.toString`).
 */
export function isClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  return typeof value === 'function' && Object.getOwnPropertyDescriptor(value, 'prototype')?.writable === false
}
