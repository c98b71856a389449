// e2e/frameworks/apps/express/server.js — Vite in middleware mode inside Express; LOADER=ssrLoadModule or runner
import fs from 'node:fs'
import http from 'node:http'
import express from 'express'
import { createServer } from 'vite'

const app = express()
const httpServer = http.createServer(app)
// Resolves once every wizard is registered: no request can see a half-loaded registry.
const vite = await createServer({ server: { middlewareMode: true, hmr: { server: httpServer } }, appType: 'custom' })
const ssr = /** @type {import('vite').RunnableDevEnvironment} */ (vite.environments.ssr)
/** @type {() => Promise<any>} */
const loadRegistry = () => (process.env.LOADER === 'ssrLoadModule' ? vite.ssrLoadModule('/server/registry.ts') : ssr.runner.import('/server/registry.ts'))

app.use(vite.middlewares)
app.get('/api/wizards/:id', async (req, res) => {
  try {
    res.json({ output: (await loadRegistry()).runWizard(req.params.id) })
  } catch (error) {
    res.status(500).json({ error: String(error) })
  }
})
app.get('/', async (req, res) => {
  res.type('html').send(await vite.transformIndexHtml(req.originalUrl, fs.readFileSync('index.html', 'utf8')))
})
httpServer.listen(Number(process.env.PORT ?? 3000), '127.0.0.1')
