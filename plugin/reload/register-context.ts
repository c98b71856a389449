import type { RegisterContext, WizardClass } from '../types.ts'

/**
 * A version's `register` context. `previous` — the class it replaced — is held weakly: a context
 * kept by a registry (or the history) must not keep every earlier class alive in a chain, each
 * with its whole module's code. Read it in `register`; later it may be gone.
 */
export function registerContext(fields: Omit<RegisterContext, 'previous'> & { previous: WizardClass | undefined }): RegisterContext {
  const { previous, ...rest } = fields
  const ref = previous === undefined ? undefined : new WeakRef(previous)
  const context = { ...rest } as RegisterContext
  Object.defineProperty(context, 'previous', { enumerable: true, get: () => ref?.deref() })
  return context
}
