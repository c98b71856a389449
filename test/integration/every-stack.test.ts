import fs from 'node:fs'
import path from 'node:path'
import { createServer, type Plugin, type RunnableDevEnvironment } from 'vite'
import { afterEach, expect, test } from 'vitest'
import { wizardHotReload } from '../../plugin/plugin.ts'
import { portOf } from '../reference-ws-client.ts'
import { capturingLogger, makeTempDir, startTempProject, wizardSource, writeFiles, type TempProject } from '../temp-project.ts'

/** What frameworks' dev servers do that the playground does not: their own runners, catch-all middlewares, copied plugins, SSR pages. */
let project: TempProject | undefined
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await project?.close()
  project = undefined
})

const registrySource = `
const wizards = new Map<string, new () => { run(): string }>()
export function registerWizard(id: string, cls: new () => { run(): string }) { wizards.set(id, cls); return true }
export function unregisterWizard(id: string) { wizards.delete(id) }
export function runWizard(id: string) { const cls = wizards.get(id); if (!cls) throw new Error('no wizard "' + id + '"'); return new cls().run() }
`

/** A framework plugin like @hono/vite-dev-server: a catch-all middleware, loading the app with ssrLoadModule per request. */
function catchAllFramework(): Plugin {
  return {
    name: 'catch-all-framework',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        if (req.url?.startsWith('/@') || req.url?.startsWith('/node_modules/')) return next()
        try {
          const registry = (await server.ssrLoadModule('/server/registry.ts')) as { runWizard(id: string): string }
          res.setHeader('Content-Type', 'application/json')
          res.end(JSON.stringify({ output: registry.runWizard('debug') }))
        } catch (error) {
          res.statusCode = 500
          res.end(String(error))
        }
      })
    },
  }
}

test('a framework listed first with a catch-all middleware: the first request after the port opens gets the wizard, and the status endpoint still answers JSON', async () => {
  for (let start = 0; start < 3; start++) {
    const p = await startTempProject({
      listen: true,
      useTestRegistry: false,
      plugin: { registry: 'server/registry.ts' },
      files: { 'server/registry.ts': registrySource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', `v${start}`) },
      plugins: [{ ...catchAllFramework(), enforce: 'pre' }],
    })
    const base = `http://127.0.0.1:${portOf(p.server.httpServer!)}`
    expect(await (await fetch(`${base}/api/wizards/debug`)).json()).toEqual({ output: `v${start}` })
    const status = await fetch(`${base}/api/hot-reload/status`)
    expect(status.headers.get('content-type')).toContain('application/json')
    expect(await status.json()).toMatchObject({ enabled: true, wizards: { debug: { version: 1 } } })
    await p.close()
  }
})

test('middleware mode: createServer resolves with every wizard registered — an app that imports the registry at once sees it complete', async () => {
  const root = makeTempDir()
  writeFiles(root, {
    'server/registry.ts': registrySource,
    'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
    'wizards/slow_wizard.ts': `await new Promise((resolve) => setTimeout(resolve, 300))\n${wizardSource('SlowWizard', 'slow')}`,
  })
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    plugins: [wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
  })
  cleanups.push(
    () => server.close(),
    () => fs.rmSync(root, { recursive: true, force: true }),
  )
  const registry = (await (server.environments.ssr as RunnableDevEnvironment).runner.import('/server/registry.ts')) as { runWizard(id: string): string }
  expect([registry.runWizard('debug'), registry.runWizard('slow')]).toEqual(['v1', 'slow'])
})

test('every page that loads /@vite/client gets the overlay (SSR pages with no transformIndexHtml too), by the same URL an HTML page names — one module', async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    vite: { base: '/app/' },
  }))
  const base = `http://127.0.0.1:${portOf(p.server.httpServer!)}`
  const client = await (await fetch(`${base}/app/@vite/client`)).text()
  const loads = client.match(/const wizardHotReloadOverlay = "([^"]+)"/g) ?? []
  expect(loads).toEqual(['const wizardHotReloadOverlay = "/app/@wizard-hot-reload/overlay.js"'])
  expect((await fetch(`${base}/app/@wizard-hot-reload/overlay.js`)).status).toBe(200)
})

test('overlay: false leaves /@vite/client alone', async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    plugin: { overlay: false },
  }))
  const client = await (await fetch(`http://127.0.0.1:${portOf(p.server.httpServer!)}/@vite/client`)).text()
  expect(client).not.toContain('wizard-hot-reload')
})

test("a framework's child compiler running a spread copy of the plugin (React Router) gets no 'listed twice' warning and leaves the real server alone", async () => {
  const root = makeTempDir()
  writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'app/route.ts': 'export const loader = () => 1\n' })
  const logs: string[] = []
  const plugin = wizardHotReload({ dirs: ['wizards'], register: () => true })
  const main = await createServer({
    root,
    configFile: false,
    customLogger: capturingLogger(logs),
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    plugins: [plugin],
  })
  cleanups.push(
    () => main.close(),
    () => fs.rmSync(root, { recursive: true, force: true }),
  )
  // What @react-router/dev does in its configResolved: a second server with the plugins spread, configureServer dropped.
  const child = await createServer({
    root,
    configFile: false,
    customLogger: capturingLogger(logs),
    cacheDir: path.join(root, 'node_modules/.vite-child-compiler'),
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    plugins: [{ ...plugin, configureServer: undefined }],
  })
  cleanups.push(() => child.close())
  await child.environments.ssr.transformRequest('/app/route.ts')
  expect(logs.filter((line) => line.includes('listed twice'))).toEqual([])
  expect(plugin.api.getStatus()).toMatchObject({ enabled: true, wizards: { debug: { version: 1 } } })
  expect(plugin.api.options?.dirs).toEqual([path.join(root, 'wizards')])
})
