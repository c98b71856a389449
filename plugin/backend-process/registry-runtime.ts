import type { WizardClass } from '../types.ts'
import { connectWizardHotReload, type WizardBackendLink } from './connect.ts'
import { readDiscoveryFile } from '../backend-link/server-discovery.ts'

/** How long a registry evaluated in another runtime waits for its first sync before its importers go on. */
const FIRST_SYNC_WAIT_MS = 30_000

/** This thread's links, one per environment and registry file: a re-evaluated registry replaces its link. */
const links = new Map<string, Promise<WizardBackendLink | undefined>>()

export interface RegistryRuntimeOptions {
  /** The namespace of the registry module instance being evaluated. */
  registry: Record<string, unknown>
  file: string
  /** Where the dev server records its URL (it may restart on another port). */
  discoveryFile: string
  tokenFile: string
  /** The environment's name (`nitro`): how the dev server's terminal, overlay and status call this runtime. */
  name: string
}

/**
 * @internal Called by the lines the plugin appends to the `registry` module when a module runner
 * outside the dev server's process evaluates it (a worker, such as Nitro's `nitro` environment):
 * connects this runtime to the dev server like a backend, registering into this instance, and
 * resolves once every wizard is registered (or after 30 s; the link goes on trying).
 */
export async function connectRegistryRuntime({ registry, file, discoveryFile, tokenFile, name }: RegistryRuntimeOptions): Promise<void> {
  const server = readDiscoveryFile(discoveryFile)?.url
  if (!server)
    throw new Error(`the dev server has not recorded where it listens (${discoveryFile}): in middleware mode, attach it to your HTTP server (api.attach)`)
  const key = `${name}\0${file}`
  const previous = links.get(key)
  const linking = (async () => {
    await (await previous?.catch(() => undefined))?.close()
    return connectWizardHotReload({
      server,
      tokenFile,
      name,
      wait: false,
      // The runtime shares the dev server's terminal, which already says what happened: only trouble here.
      logger: {
        info() {},
        warn: (message) => console.warn(`[wizard-hot-reload] ${name}: ${message}`),
        error: (message) => console.error(`[wizard-hot-reload] ${name}: ${message}`),
      },
      register: (wizardId, wizardClass: WizardClass, context) => callExport(registry, 'registerWizard', wizardId, wizardClass, context) as boolean | void,
      unregister: (wizardId) => callExport(registry, 'unregisterWizard', wizardId) as boolean | void,
    })
  })()
  links.set(key, linking)
  const link = await linking
  if (!link) return
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_WAIT_MS, 'late')))
  try {
    const outcome = await Promise.race([link.ready.then(() => 'ready' as const), waited])
    if (outcome === 'late')
      console.warn(
        `[wizard-hot-reload] ${name}: the registry waited ${FIRST_SYNC_WAIT_MS / 1000} s for the dev server's wizards; going on without them (they arrive when it answers).`,
      )
  } finally {
    clearTimeout(timer)
  }
}

function callExport(registry: Record<string, unknown>, name: string, ...args: unknown[]): unknown {
  const fn = registry[name]
  if (typeof fn !== 'function') {
    if (name === 'registerWizard') throw new Error(`the registry module has no exported function "registerWizard"`)
    return undefined
  }
  return (fn as (...args: unknown[]) => unknown)(...args)
}
