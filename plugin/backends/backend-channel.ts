import path from 'node:path'
import type { ViteDevServer } from 'vite'
import type { HotReloadStatus } from '../../client/protocol.ts'
import { TOKEN_FILE } from '../backend-link/protocol.ts'
import { ensureToken } from '../backend-link/token.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import { configCandidates, type ConfigFileOption } from '../config/config-location.ts'
import { displayPath } from '../errors/display-path.ts'
import { classifyRemoteError } from '../errors/remote-error.ts'
import { describeThrown } from '../errors/thrown-value.ts'
import type { WizardStateStore } from '../reload/wizard-state.ts'
import { isLoadingAllowed } from '../vite-internals/fs-rules.ts'
import type { RunnableDevEnvironment } from 'vite'
import { BackendEndpoint } from './backend-endpoint.ts'
import { BackendHub } from './backend-hub.ts'
import { BackendRelay } from './backend-relay.ts'

export interface BackendChannel {
  hub: BackendHub
  /** Tells backends what to reload, and aggregates their outcomes into the events it passes on. */
  relay: BackendRelay
  /** Undefined when it must stay off (Vite would serve its token file, or the token cannot be written). */
  endpoint: BackendEndpoint | undefined
}

export interface BackendChannelOptions {
  server: ViteDevServer
  environment: () => RunnableDevEnvironment
  state: WizardStateStore
  events: ConstructorParameters<typeof BackendRelay>[1]
  ready: () => Promise<void>
  complete: boolean
  registerTimeout: number
  loadTimeout: number
  history: number
  instances: 'patch' | 'replace'
  configFile: ConfigFileOption | undefined
  /** A proven control client (the CLI). */
  control: (socket: BackendSocket) => void
  info: (message: string) => void
  problem: (message: string) => void
}

/**
 * The dev server's side of backends (and runtimes elsewhere): the hub, the relay, and the endpoint —
 * which stays off whenever Vite would serve its token file (the token's folder is added to
 * `server.fs.deny`; a Vite that ignores that, or `server.fs.strict: false`, would hand the secret
 * to any page).
 */
export function openBackendChannel(o: BackendChannelOptions): BackendChannel {
  const { server } = o
  const root = server.config.root
  const hub = new BackendHub({
    environment: o.environment,
    state: o.state,
    options: { root, registerTimeout: o.registerTimeout, loadTimeout: o.loadTimeout, history: o.history, instances: o.instances },
    ready: o.ready,
    complete: o.complete,
    configDescribed: (file) => {
      const where = configCandidates(file, root, o.configFile)
      return where.ok ? where.described : 'none'
    },
    mayServe: (file) => isLoadingAllowed(server.config, file),
    classify: (error, wizardFile) => classifyRemoteError(error, wizardFile, root),
    info: o.info,
    warn: o.problem,
  })
  const relay = new BackendRelay(hub, o.events, (error) => o.problem(`telling backends: ${describeThrown(error)}`))
  const tokenFile = path.join(server.config.cacheDir, TOKEN_FILE)
  if (isLoadingAllowed(server.config, tokenFile)) {
    const why = server.config.server.fs.strict === false ? 'server.fs.strict is false, so Vite' : 'this Vite version'
    o.problem(`the backend endpoint is off: ${why} would serve its token file (${displayPath(root, tokenFile)}) over HTTP`)
    return { hub, relay, endpoint: undefined }
  }
  try {
    const endpoint = new BackendEndpoint({
      token: ensureToken(server.config.cacheDir),
      allowedHosts: server.config.server.allowedHosts,
      hub,
      control: o.control,
    })
    return { hub, relay, endpoint }
  } catch (error) {
    o.problem(`the backend endpoint is off: cannot write its token under ${displayPath(root, server.config.cacheDir)}: ${describeThrown(error)}`)
    return { hub, relay, endpoint: undefined }
  }
}

/** (For the status: what the channel reports of connected backends.) */
export type BackendsStatus = Extract<HotReloadStatus, { enabled: true }>['backends']
