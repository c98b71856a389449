import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'
import { portOf } from '../reference-ws-client.ts'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { PLUGIN_NAME } from '../../plugin/plugin.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const files = {
  'index.html': '<!doctype html><html><head><title>app</title></head><body><div id="app"></div></body></html>',
  'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
}

async function get(p: TempProject, path: string) {
  const response = await fetch(`http://127.0.0.1:${portOf(p.server.httpServer!)}${path}`, { headers: { accept: path.endsWith('/') ? 'text/html' : '*/*' } })
  return { status: response.status, body: await response.text() }
}

test('index.html gets the overlay script (with html.cspNonce); the module mounts the bundle with import.meta.hot', async () => {
  const p = (project = await startTempProject({
    listen: true,
    files,
    plugin: { overlay: { position: 'top-left', successTimeout: 1500 } },
    vite: { appType: 'spa', html: { cspNonce: 'n0nce' } },
  }))
  const page = await get(p, '/')
  expect(page.body).toMatch(/<script type="module" src="\/@wizard-hot-reload\/overlay\.js" nonce="n0nce"><\/script>/)

  const overlay = await get(p, '/@wizard-hot-reload/overlay.js')
  expect(overlay.status).toBe(200)
  expect(overlay.body).toContain('import.meta.hot = __vite__createHotContext(')
  expect(overlay.body).toContain('"position":"top-left","successTimeout":1500,"base":"/"')
  expect(overlay.body).toContain(`"root":${JSON.stringify(p.root)}`)
  expect(overlay.body).toContain('import { mountWizardOverlay } from "/@id/__x00__wizard-hot-reload:overlay-bundle"')

  const bundle = await get(p, '/@id/__x00__wizard-hot-reload:overlay-bundle')
  expect(bundle.status).toBe(200)
  expect(bundle.body).toContain('wizard-hot-reload-overlay')
  // Served as built, without an inlined source map several times its size.
  expect(bundle.body).not.toContain('sourceMappingURL=data:')
  expect(bundle.body.length).toBeLessThan(44 * 1024)
})

test('a non-root base prefixes the overlay URL', async () => {
  const p = (project = await startTempProject({ listen: true, files, vite: { appType: 'spa', base: '/app/' } }))
  const page = await get(p, '/app/')
  expect(page.body).toContain('src="/app/@wizard-hot-reload/overlay.js"')
  expect((await get(p, '/app/@wizard-hot-reload/overlay.js')).status).toBe(200)
})

test('overlay: false injects nothing and serves nothing', async () => {
  const p = (project = await startTempProject({ listen: true, files, plugin: { overlay: false }, vite: { appType: 'spa' } }))
  const page = await get(p, '/')
  expect(page.body).not.toContain('wizard-hot-reload')
  // (the SPA fallback answers unknown URLs with index.html)
  expect((await get(p, '/@wizard-hot-reload/overlay.js')).body).not.toContain('mountWizardOverlay')
})

test('the client API stays out of dependency pre-bundling so import.meta.hot reaches it', async () => {
  // The package as an app has it: a copy in node_modules (a symlink would be treated as source and never pre-bundled anyway).
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
  expect(fs.existsSync(path.join(repo, 'dist/client/api.js')), 'dist/client/api.js is missing: run "npm run build" first').toBe(true)
  const p = (project = await startTempProject({
    listen: true,
    files: { ...files, 'src/app.ts': `import { onWizardReloaded } from '${PLUGIN_NAME}/client'\nonWizardReloaded(() => {})\n` },
    vite: { appType: 'spa' },
    beforeStart: (root) => {
      const installed = path.join(root, 'node_modules', PLUGIN_NAME)
      fs.mkdirSync(installed, { recursive: true })
      fs.copyFileSync(path.join(repo, 'package.json'), path.join(installed, 'package.json'))
      fs.cpSync(path.join(repo, 'dist/client'), path.join(installed, 'dist/client'), { recursive: true })
    },
  }))
  expect(p.server.config.optimizeDeps.exclude).toContain(`${PLUGIN_NAME}/client`)
  const app = await get(p, '/src/app.ts')
  const imported = /from "([^"]+)"/.exec(app.body)?.[1]
  // Served from the package itself (through /@fs/), not from Vite's pre-bundled deps, whose copy has no hot context.
  expect(imported).toMatch(/dist\/client\/api\.js(\?v=\w+)?$/)
  expect(imported).not.toContain('.vite/deps')
  const api = await get(p, imported!)
  expect(api.status).toBe(200)
  expect(api.body).toContain('import.meta.hot = __vite__createHotContext(')
})
