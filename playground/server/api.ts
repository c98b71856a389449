import { answerSession, hasWizard, listWizards, runWizard, startSession, totalRuns } from './registry.ts'

export interface ApiResponse {
  status: number
  body: unknown
}

/**
 * The wizard API: GET /api/wizards, POST /api/wizards/:id/run; sessions of multi-step wizards:
 * POST /api/wizards/:id/sessions (start), POST /api/wizards/:id/sessions/:session?answer=… (answer).
 */
export function handleApiRequest(method: string, url: string): ApiResponse | undefined {
  const [path, query = ''] = url.split('?', 2)
  const started = /^\/api\/wizards\/([\w.-]+)\/sessions$/.exec(path)
  if (started && method === 'POST') {
    const session = startSession(started[1])
    return session ? { status: 200, body: session } : { status: 404, body: { error: `no multi-step wizard "${started[1]}"` } }
  }
  const answered = /^\/api\/wizards\/[\w.-]+\/sessions\/([\w.-]+)$/.exec(path)
  if (answered && method === 'POST') {
    const next = answerSession(answered[1], new URLSearchParams(query).get('answer') ?? '')
    return next ? { status: 200, body: next } : { status: 404, body: { error: `no session "${answered[1]}"` } }
  }
  if (path === '/api/wizards' && method === 'GET') return { status: 200, body: { wizards: listWizards(), totalRuns: totalRuns() } }
  const run = /^\/api\/wizards\/([\w.-]+)\/run$/.exec(path)
  if (run && (method === 'POST' || method === 'GET')) {
    const wizardId = run[1]
    if (!hasWizard(wizardId)) return { status: 404, body: { error: `no wizard "${wizardId}"` } }
    try {
      return { status: 200, body: { id: wizardId, output: runWizard(wizardId), totalRuns: totalRuns() } }
    } catch (error) {
      return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }
    }
  }
  return undefined
}
