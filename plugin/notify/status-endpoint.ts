import type { ServerResponse } from 'node:http'
import type { Connect } from 'vite'
import type { HotReloadStatus } from '../../client/protocol.ts'
import { isHostAllowed } from './request-guards.ts'

export interface StatusEndpointOptions {
  path: string
  /** `server.allowedHosts` and `server.https`, as Vite resolved them (read per request: a restart may change them). */
  hostRule: () => { allowedHosts: readonly string[] | true; https: boolean }
  /** The panel requests' rule (origins/own-origin.ts): the status carries absolute paths and code frames. */
  isOwnOrigin: (origin: string | undefined, host: string | undefined) => boolean
  getStatus: () => HotReloadStatus
}

/** CORS headers Vite's `server.cors` middleware (which runs first) may have set for a localhost page. */
const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers']

/**
 * `GET <statusPath>` → the hot-reload status as JSON. Host: Vite's rule, where Vite applies it to
 * HTTP requests (not over https, where a rebound name fails the certificate). Origin: a browser page
 * reads it only when it is the dev server's own (or a trusted origin); Vite's default `server.cors`
 * would hand it to a page on any localhost port, so its headers are replaced by ours.
 */
export function statusMiddleware({ path, hostRule, isOwnOrigin, getStatus }: StatusEndpointOptions): Connect.NextHandleFunction {
  return function wizardHotReloadStatusMiddleware(req, res, next) {
    if ((req.url ?? '').split('?', 1)[0] !== path) return next()
    const { allowedHosts, https } = hostRule()
    if (!https && !isHostAllowed(req.headers.host, allowedHosts)) return refuse(res, 'Host not allowed (see server.allowedHosts)')
    for (const header of CORS_HEADERS) res.removeHeader(header)
    res.setHeader('Vary', 'Origin')
    const origin = req.headers.origin
    if (!isOwnOrigin(origin, req.headers.host)) {
      return refuse(res, `Origin ${origin} is not this dev server's own page; the status is for its own pages, tools without a browser, and trustedOrigins`)
    }
    // A trusted page on another origin (trustedOrigins, the other spelling of the own port) may read it.
    if (origin !== undefined) res.setHeader('Access-Control-Allow-Origin', origin)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405
      res.setHeader('Allow', 'GET, HEAD')
      res.end()
      return
    }
    const body = JSON.stringify(getStatus(), null, 2)
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      // Requests without Origin include a foreign page's <script src> or no-cors fetch: the browser keeps the body from it.
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

function refuse(res: ServerResponse, reason: string): void {
  res.statusCode = 403
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.end(reason)
}
