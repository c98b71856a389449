/**
 * The meeting point between a `registry` module, wherever a module runner of this process
 * evaluates it, and the dev-server session that owns it. The plugin appends a few lines to the
 * registry module (see registry-code.ts) that look the session up here by its key and attach the
 * module instance being evaluated — before any module importing the registry runs.
 *
 * One object per process (a global symbol), shared by every copy of the plugin that may be loaded
 * (tests load it from source and from dist): a plain `Map` from session key to attach function.
 */

/** What the appended code calls: attaches one evaluated instance of the registry module. */
export type AttachRegistry = (namespace: Record<string, unknown>) => Promise<void>

export interface RegistryBridge {
  readonly version: 1
  readonly sessions: Map<string, AttachRegistry>
}

export const BRIDGE_KEY = 'vite-plugin-wizard-hot-reload:registries'

/**
 * Set on `import.meta` by the module runner of a backend process (`connectWizardHotReload`): a
 * registry module evaluated there connects nothing (the backend is the connection already).
 */
export const BACKEND_RUNNER_MARK = 'wizardHotReloadBackendRunner'

/** The process's bridge (created on first use). */
export function registryBridge(): RegistryBridge {
  const global = globalThis as Record<symbol, RegistryBridge | undefined>
  const key = Symbol.for(BRIDGE_KEY)
  let bridge = global[key]
  if (!bridge) {
    bridge = { version: 1, sessions: new Map() }
    Object.defineProperty(global, key, { value: bridge, configurable: true, enumerable: false, writable: false })
  }
  return bridge
}

/** Serves `attach` under `key` until the returned function is called. */
export function offerRegistryAttach(key: string, attach: AttachRegistry): () => void {
  const { sessions } = registryBridge()
  sessions.set(key, attach)
  return () => {
    if (sessions.get(key) === attach) sessions.delete(key)
  }
}
