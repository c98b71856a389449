// The playground's second demo: a plain Node HTTP API in a process of its own (not inside Vite),
// like an Express/Fastify backend on :3000. Its wizards are hot-reloaded from the dev server by
// connectWizardHotReload — no restart on save. Run with `npm run playground:backend`.
//   env: PORT (default 3000), DEV_SERVER (default http://localhost:5173)
import http from 'node:http'
import { connectWizardHotReload } from 'vite-plugin-wizard-hot-reload/backend'

const wizards = new Map()
let runs = 0

function register(wizardId, WizardClass, context) {
  if (typeof WizardClass.prototype?.run !== 'function') return false
  wizards.set(wizardId, { WizardClass, version: context.version, config: context.config })
  return true
}
function unregister(wizardId) {
  wizards.delete(wizardId)
}
function run(wizardId) {
  const entry = wizards.get(wizardId)
  runs++
  return new entry.WizardClass(entry.config).run()
}

const server = http.createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const path = (req.url ?? '/').split('?', 1)[0]
  if (path === '/api/wizards' && req.method === 'GET') {
    const list = [...wizards.keys()]
      .sort()
      .map((id) => ({ id, title: wizards.get(id).WizardClass.title ?? id, version: wizards.get(id).version, output: safeRun(id) }))
    return send(200, { pid: process.pid, wizards: list, totalRuns: runs })
  }
  const match = /^\/api\/wizards\/([\w.-]+)\/run$/.exec(path)
  if (match && req.method === 'POST') {
    if (!wizards.has(match[1])) return send(404, { error: `no wizard "${match[1]}"` })
    return send(200, { id: match[1], output: safeRun(match[1]), pid: process.pid })
  }
  send(404, { error: 'not found' })
})

function safeRun(id) {
  try {
    return run(id)
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`
  }
}

const port = Number(process.env.PORT ?? 3000)
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
console.log(`[api] listening on http://127.0.0.1:${server.address().port} (pid ${process.pid})`)
// Waits for the dev server if it is not up yet, then registers every wizard; reloads them on every save.
const link = await connectWizardHotReload({ server: process.env.DEV_SERVER ?? 'http://localhost:5173', register, unregister, name: 'api' })
console.log(`[api] ${link.wizards().length} wizards registered from the dev server`)

const stop = async () => {
  await link.close()
  server.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
