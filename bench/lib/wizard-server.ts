import { createLogger, createServer, type Plugin, type ViteDevServer } from 'vite'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WizardHotReloadApi } from '../../plugin/index.ts'

// The built package as users run it (`npm run bench` builds first) — loaded by path at run time,
// since tsx would otherwise follow tsconfig `paths` to the TypeScript sources.
const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/plugin')
const { wizardHotReload } = (await import(path.join(distDir, 'index.js'))) as typeof import('../../plugin/index.ts')

type Versioned = { version?: string }

/** Waits for "wizard X registered at version V" without polling: the register callback resolves it. */
export class RegistrationWaiter {
  private readonly waiting = new Map<string, (at: number) => void>()
  readonly register = (wizardId: string, wizardClass: unknown): boolean => {
    const version = (wizardClass as Versioned).version
    const resolve = this.waiting.get(`${wizardId}@${version}`)
    if (resolve) {
      this.waiting.delete(`${wizardId}@${version}`)
      resolve(performance.now())
    }
    return true
  }

  next(wizardId: string, version: string, timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${wizardId}@${version} was not registered within ${timeoutMs} ms`)), timeoutMs)
      this.waiting.set(`${wizardId}@${version}`, (at) => {
        clearTimeout(timer)
        resolve(at)
      })
    })
  }
}

export interface WizardServer {
  server: ViteDevServer
  /** The plugin's public API (idle, status, history). */
  api: WizardHotReloadApi
  waiter: RegistrationWaiter
  /** ms from createServer() to the initial load being done. */
  startupMs: number
  initialLoadMs: number
  close(): Promise<void>
}

// tsx (which runs these scripts) turns Node's source-map support on; `vite` users do not have it.
process.setSourceMapsEnabled(false)

export async function startWizardServer(root: string, delay: number, listen = false): Promise<WizardServer> {
  const waiter = new RegistrationWaiter()
  const started = performance.now()
  const plugin = wizardHotReload({ dirs: ['wizards'], delay, register: waiter.register }) as Plugin<WizardHotReloadApi> & { api: WizardHotReloadApi }
  // Quiet, except that the start line's "loaded N wizards … in X ms" is the initial load's own timing.
  let initialLoadMs = Number.NaN
  const logger = createLogger('silent')
  logger.info = (message) => {
    const match = /loaded \d+ wizards? from .* in (\d+) ms/.exec(message)
    if (match) initialLoadMs = Number(match[1])
  }
  const server = await createServer({
    root,
    configFile: false,
    envDir: false,
    customLogger: logger,
    appType: listen ? 'spa' : 'custom',
    server: listen ? { host: '127.0.0.1', port: 0 } : { middlewareMode: true, hmr: false, ws: false },
    plugins: [plugin],
  })
  if (listen) await server.listen()
  await plugin.api.ready
  const done = performance.now()
  return {
    server,
    api: plugin.api,
    waiter,
    startupMs: done - started,
    initialLoadMs,
    close: () => server.close(),
  }
}
