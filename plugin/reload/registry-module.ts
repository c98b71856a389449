import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { RegisterWizard, UnregisterWizard } from '../options.ts'

export interface RegistryModule {
  file: string
  register: RegisterWizard
  unregister: UnregisterWizard | undefined
}

/**
 * Loads the `registry` module through the dev server's module graph, so a backend that
 * `ssrLoadModule`s the same file gets the very same instance.
 */
export async function loadRegistryModule(server: ViteDevServer, registry: string): Promise<RegistryModule> {
  const file = path.resolve(server.config.root, registry)
  let exports: Record<string, unknown>
  try {
    exports = await server.ssrLoadModule(file, { fixStacktrace: true })
  } catch (error) {
    throw new Error(`options.registry: could not load "${registry}" (${file}): ${error instanceof Error ? error.message : String(error)}`)
  }
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
