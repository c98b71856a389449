// Runs inside a fresh project where the packed tarball was installed: the plugin as users get it.
import assert from 'node:assert/strict'
import { createServer } from 'vite'
import wizardHotReload, { WizardReloader, WizardFileWatcher, attachWizardHotReload } from 'vite-plugin-wizard-hot-reload'
import { connectWizardHotReload } from 'vite-plugin-wizard-hot-reload/backend'

assert.equal(typeof WizardReloader, 'function')
assert.equal(typeof WizardFileWatcher, 'function')
assert.equal(typeof attachWizardHotReload, 'function')

const registered = []
const server = await createServer({
  logLevel: 'silent',
  server: { host: '127.0.0.1', port: 0 },
  plugins: [wizardHotReload({ register: (id, cls) => registered.push(`${id}:${new cls().run()}`) })],
})
try {
  await server.listen()
  await server.config.plugins.find((plugin) => plugin.name === 'vite-plugin-wizard-hot-reload').api.ready
  assert.deepEqual(registered, ['debug:v1'])
  const base = server.resolvedUrls.local[0]
  const html = await (await fetch(base)).text()
  assert.match(html, /<script type="module" src="\/@wizard-hot-reload\/overlay\.js"><\/script>/)
  assert.match(
    await (await fetch(`${base}@vite/client`)).text(),
    /const wizardHotReloadOverlay = "\/@wizard-hot-reload\/overlay\.js"/,
    "pages without transformIndexHtml get the overlay through Vite's client",
  )
  const overlay = await (await fetch(`${base}@wizard-hot-reload/overlay.js`)).text()
  assert.match(overlay, /mountWizardOverlay\(import\.meta\.hot/)
  const bundle = await (await fetch(`${base}@id/__x00__wizard-hot-reload:overlay-bundle`)).text()
  assert.match(bundle, /wizard-hot-reload-overlay/)
  const client = await (await fetch(`${base}src/app.ts`)).text()
  assert.match(client, /vite-plugin-wizard-hot-reload\/dist\/client\/api\.js/, 'the client API is served from the package, not pre-bundled')
  // The backend entry: its own module runner over the token-guarded socket (the token found under node_modules/.vite).
  const inBackend = []
  const link = await connectWizardHotReload({ server: base, register: (id, cls) => inBackend.push(`${id}:${new cls().run()}`), logger: false })
  assert.deepEqual(inBackend, ['debug:v1'])
  await link.close()
  console.log('package check: runtime ok')
} finally {
  await server.close()
}
