import type { Connect } from 'vite'
import type { HotReloadStatus } from '../../client/protocol.ts'
import { isHostAllowed } from './request-guards.ts'

/**
 * `GET <statusPath>` → the hot-reload status as JSON. Added before Vite's own middlewares, so it
 * applies Vite's Host rule itself; it sets no CORS header of its own (Vite's `server.cors` decides).
 */
export function statusMiddleware(path: string, allowedHosts: () => readonly string[] | true, getStatus: () => HotReloadStatus): Connect.NextHandleFunction {
  return function wizardHotReloadStatusMiddleware(req, res, next) {
    if ((req.url ?? '').split('?', 1)[0] !== path) return next()
    if (!isHostAllowed(req.headers.host, allowedHosts())) {
      res.statusCode = 403
      res.setHeader('Content-Type', 'text/plain')
      res.end('Host not allowed (see server.allowedHosts)')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405
      res.setHeader('Allow', 'GET, HEAD')
      res.end()
      return
    }
    const body = JSON.stringify(getStatus(), null, 2)
    res.statusCode = 200
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}
