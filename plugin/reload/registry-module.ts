import path from 'node:path'
import type { ViteDevServer } from 'vite'
import { describeThrown } from '../errors/thrown-value.ts'
import { settleWithin, TIMED_OUT } from './settle-within.ts'
import type { RegisterWizard, UnregisterWizard } from '../types.ts'

export interface RegistryModule {
  file: string
  register: RegisterWizard
  unregister: UnregisterWizard | undefined
}

/**
 * Loads the `registry` module through the dev server's module graph, so a backend that
 * `ssrLoadModule`s the same file gets the very same instance.
 */
export async function loadRegistryModule(server: ViteDevServer, registry: string, loadTimeout: number): Promise<RegistryModule> {
  const file = path.resolve(server.config.root, registry)
  const loaded = await settleWithin(server.ssrLoadModule(file, { fixStacktrace: true }), loadTimeout > 0 ? loadTimeout : undefined)
  if (loaded === TIMED_OUT) throw new Error(`options.registry: "${registry}" (${file}) did not finish loading within ${loadTimeout / 1000} s (loadTimeout).`)
  if ('error' in loaded) throw new Error(`options.registry: could not load "${registry}" (${file}): ${describeThrown(loaded.error)}`)
  const exports = loaded.value
  const { registerWizard, unregisterWizard } = exports
  if (typeof registerWizard !== 'function') {
    throw new Error(`options.registry: "${registry}" has no exported function "registerWizard" (exports: ${Object.keys(exports).join(', ') || 'none'}).`)
  }
  return {
    file,
    register: registerWizard as RegisterWizard,
    unregister: typeof unregisterWizard === 'function' ? (unregisterWizard as UnregisterWizard) : undefined,
  }
}
