import path from 'node:path'
import { BACKEND_RUNNER_MARK, BRIDGE_KEY } from './bridge.ts'

/** How a registry evaluated outside the dev server's process (a worker, another process) reaches it. */
export interface RemoteRegistryTarget {
  /** `file://` URL of this package's built `backend.js` (imported natively there, not through the runner). */
  backendEntry: string
  /** Where the dev server records its URL when it listens (server-discovery.ts). */
  discoveryFile: string
  /** The backend token's file (the secret itself never appears in code). */
  tokenFile: string
  /** The environment's name: how the terminal, overlay and status call that runtime. */
  name: string
}

/**
 * The lines appended to the `registry` module in every server environment. Evaluated in a module
 * runner of the dev server's process, they attach this instance to the session (which registers
 * every current wizard into it) before any importer of the registry runs — a top-level await. In
 * another thread or process they connect back to the dev server like a backend and register there.
 * A module runner of this process that serves a closed dev server attaches nothing, and neither does
 * a backend process's own runner (a wizard there that imports the registry gets a plain instance).
 */
export function registryModuleSuffix(file: string, sessionKey: string, remote: RemoteRegistryTarget | { unreachable: string }): string {
  const self = JSON.stringify(`./${path.basename(file)}`)
  const elsewhere =
    'unreachable' in remote
      ? `console.warn(${JSON.stringify(`[wizard-hot-reload] ${remote.unreachable}`)})`
      : [
          `try {`,
          `  const { connectRegistryRuntime } = await new Function("u", "return import(u)")(${JSON.stringify(remote.backendEntry)})`,
          `  await connectRegistryRuntime({ registry, file: ${JSON.stringify(file)}, discoveryFile: ${JSON.stringify(remote.discoveryFile)}, tokenFile: ${JSON.stringify(remote.tokenFile)}, name: ${JSON.stringify(remote.name)} })`,
          `} catch (error) {`,
          `  console.warn(${JSON.stringify(`[wizard-hot-reload] ${path.basename(file)} in the "${remote.name}" environment could not connect to the dev server:`)}, error)`,
          `}`,
        ].join('\n    ')
  return [
    '',
    '// vite-plugin-wizard-hot-reload: this instance of the registry gets every wizard before anything that imports it runs.',
    `import * as __wizardHotReloadRegistry from ${self}`,
    'await (async (registry) => {',
    `  const bridge = globalThis[Symbol.for(${JSON.stringify(BRIDGE_KEY)})]`,
    `  const attach = bridge && bridge.sessions.get(${JSON.stringify(sessionKey)})`,
    '  if (attach) return attach(registry)',
    `  if (!bridge && !import.meta[${JSON.stringify(BACKEND_RUNNER_MARK)}]) {`,
    `    ${elsewhere}`,
    '  }',
    '})(__wizardHotReloadRegistry)',
    '',
  ].join('\n')
}
