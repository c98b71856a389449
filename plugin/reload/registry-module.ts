import path from 'node:path'
import type { RunnableDevEnvironment } from 'vite'
import { describeThrown } from '../errors/thrown-value.ts'
import type { RegisterWizard, UnregisterWizard } from '../types.ts'
import { settleWithin, TIMED_OUT } from './settle-within.ts'

export interface RegistryModule {
  file: string
  /** The module instance (its exports object): which registry this is. */
  exports: Record<string, unknown>
  register: RegisterWizard
  unregister: UnregisterWizard | undefined
}

/**
 * Loads the `registry` module through the environment's module runner, so an API that imports it
 * with `server.environments.ssr.runner.import(...)` gets the very same instance.
 */
export async function loadRegistryModule(environment: RunnableDevEnvironment, root: string, registry: string, loadTimeout: number): Promise<RegistryModule> {
  const file = path.resolve(root, registry)
  const loaded = await settleWithin(environment.runner.import(file) as Promise<Record<string, unknown>>, loadTimeout > 0 ? loadTimeout : undefined)
  if (loaded === TIMED_OUT) throw new Error(`options.registry: "${registry}" (${file}) did not finish loading within ${loadTimeout / 1000} s (loadTimeout).`)
  if ('error' in loaded) throw new Error(`options.registry: could not load "${registry}" (${file}): ${describeThrown(loaded.error)}`)
  return registryFromExports(file, registry, loaded.value)
}

/** The registry's callbacks in one instance of the module. */
export function registryFromExports(file: string, registry: string, exports: Record<string, unknown>): RegistryModule {
  const { registerWizard, unregisterWizard } = exports
  if (typeof registerWizard !== 'function') {
    throw new Error(`options.registry: "${registry}" has no exported function "registerWizard" (exports: ${Object.keys(exports).join(', ') || 'none'}).`)
  }
  return {
    file,
    exports,
    register: registerWizard as RegisterWizard,
    unregister: typeof unregisterWizard === 'function' ? (unregisterWizard as UnregisterWizard) : undefined,
  }
}
