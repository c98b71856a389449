import type { ViteDevServer, WebSocketClient } from 'vite'
import type {} from '../../client/vite-custom-events.ts'
import { WIZARD_EVENTS } from '../../client/protocol.ts'
import type { WizardReply, WizardRequest, WizardRequestResults } from '../../client/wire.ts'
import { describeThrown } from '../errors/thrown-value.ts'

/** What a valid request does; a thrown Error's message (or a RequestError) becomes the error reply. */
export type RequestHandlers = { [T in WizardRequest['type']]: (request: Extract<WizardRequest, { type: T }>) => Promise<WizardRequestResults[T]> }

/** A request the server refuses with this message; nothing changes. */
export class RequestError extends Error {}

const TYPES = new Set<WizardRequest['type']>(['history', 'diff', 'rollback', 'undo', 'retry', 'extension-offer'])

/**
 * Checks a request from a page. Pages talk over Vite's own HMR socket (its token and Host checks,
 * and the plugin's own-origin rule: origins/page-trust.ts, guard it), yet what arrives is still only
 * data: anything unexpected is refused by name.
 */
export function parseRequest(data: unknown): { request: WizardRequest } | { id: string; error: string } {
  const raw = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
  const id = typeof raw.id === 'string' && raw.id.length > 0 && raw.id.length <= 64 ? raw.id : ''
  if (!id) return { id, error: 'a request needs an "id" (a string of 1–64 characters)' }
  if (typeof raw.type !== 'string' || !TYPES.has(raw.type as WizardRequest['type']))
    return { id, error: `unknown request type ${JSON.stringify(raw.type)} (expected ${[...TYPES].join(', ')})` }
  if (raw.type === 'extension-offer') return { request: { id, type: 'extension-offer' } }
  if (typeof raw.wizardId !== 'string' || raw.wizardId === '' || raw.wizardId.length > 200)
    return { id, error: '"wizardId" must be a wizard id (a non-empty string)' }
  const version = (name: string): number | string => {
    const value = raw[name]
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : `"${name}" must be a version number (an integer ≥ 1)`
  }
  const { wizardId } = raw
  switch (raw.type) {
    case 'history':
    case 'undo':
    case 'retry':
      return { request: { id, type: raw.type, wizardId } }
    case 'rollback': {
      const to = version('version')
      return typeof to === 'string' ? { id, error: to } : { request: { id, type: 'rollback', wizardId, version: to } }
    }
    default: {
      const from = version('from')
      const to = version('to')
      if (typeof from === 'string') return { id, error: from }
      if (typeof to === 'string') return { id, error: to }
      return { request: { id, type: 'diff', wizardId, from, to } }
    }
  }
}

/** The reply to one request (a page's, or the CLI's over the backend channel): validated, then handled. Never rejects. */
export async function answerRequest(handlers: RequestHandlers, data: unknown): Promise<WizardReply> {
  const parsed = parseRequest(data)
  if ('error' in parsed) return { id: parsed.id, ok: false, error: parsed.error }
  const { request } = parsed
  const handle = handlers[request.type] as (request: WizardRequest) => Promise<WizardRequestResults[keyof WizardRequestResults]>
  // (Rollback, undo and retry of one wizard run in the order they came: they share its reload queue.)
  try {
    return { id: request.id, ok: true, result: await handle(request) }
  } catch (error) {
    return { id: request.id, ok: false, error: error instanceof RequestError ? error.message : describeThrown(error) }
  }
}

/** Answers the pages' requests on Vite's HMR channel, each to the page that asked — unless `refusal` names why not. */
export class PageRequests {
  private readonly onRequest: Parameters<ViteDevServer['ws']['on']>[1]

  constructor(
    private readonly server: ViteDevServer,
    handlers: RequestHandlers,
    refusal: (client: WebSocketClient) => string | undefined,
  ) {
    this.onRequest = (data: unknown, client: WebSocketClient) => {
      const refused = refusal(client)
      const answer = refused === undefined ? answerRequest(handlers, data) : Promise.resolve(refusedReply(data, refused))
      void answer.then((reply) => client.send(WIZARD_EVENTS.reply, reply)).catch(() => {}) // a page gone meanwhile: nobody to answer
    }
    server.ws.on(WIZARD_EVENTS.request, this.onRequest)
  }

  dispose(): void {
    this.server.ws.off(WIZARD_EVENTS.request, this.onRequest)
  }
}

/** The error reply to a refused page: carries the request's id (when it has one) so the page can show why. Nothing is handled. */
function refusedReply(data: unknown, error: string): WizardReply {
  const parsed = parseRequest(data)
  return { id: 'request' in parsed ? parsed.request.id : parsed.id, ok: false, error }
}
