import path from 'node:path'
import type { Plugin, RunnableDevEnvironment } from 'vite'
import type * as Api from './api.ts'

/**
 * Serves the wizard API inside the dev server. The API module is loaded through the ssr
 * environment's module runner — the one the hot-reload plugin loads wizards and the registry
 * with — so both share one registry instance (ssrLoadModule would make a second one).
 */
export function wizardApi(): Plugin {
  return {
    name: 'playground:wizard-api',
    configureServer(server) {
      const apiModule = path.join(server.config.root, 'server/api.ts')
      server.middlewares.use(async function wizardApiMiddleware(req, res, next) {
        if (!req.url?.startsWith('/api/wizards')) return next()
        try {
          const api = (await (server.environments.ssr as RunnableDevEnvironment).runner.import(apiModule)) as typeof Api
          const response = api.handleApiRequest(req.method ?? 'GET', req.url)
          if (!response) return next()
          res.statusCode = response.status
          res.setHeader('Content-Type', 'application/json')
          res.end(JSON.stringify(response.body))
        } catch (error) {
          next(error)
        }
      })
    },
  }
}
