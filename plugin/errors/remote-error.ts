import type { WizardReloadError } from '../../client/protocol.ts'
import type { RemoteError } from '../backend-link/protocol.ts'
import { classifyLoadError } from './classify-error.ts'
import { boundFailure } from './limits.ts'

/**
 * A backend's failure, told the way a local one is: the dev server has the sources for its
 * location and frame, so a thrown value the backend forwarded is classified here (bounded, like
 * every failure).
 */
export function classifyRemoteError(error: RemoteError, wizardFile: string, root: string): WizardReloadError {
  return boundFailure(classify(error, wizardFile, root))
}

function classify(error: RemoteError, wizardFile: string, root: string): WizardReloadError {
  if (!error.thrown)
    return { kind: error.kind, message: error.message, ...(error.loc ? { loc: error.loc } : {}), ...(error.frame ? { frame: error.frame } : {}) }
  const { thrown } = error
  if (!thrown.isError) return { kind: error.kind, message: `threw a value that is not an Error: ${thrown.message}` }
  const revived = Object.assign(new Error(thrown.message), thrown.props ?? {}, { name: thrown.name ?? 'Error', stack: thrown.stack, code: thrown.code })
  const classified = classifyLoadError(revived, wizardFile, root)
  return error.kind === 'evaluate' || error.kind === 'syntax' || error.kind === 'import'
    ? classified
    : { ...classified, kind: error.kind, message: error.message }
}
