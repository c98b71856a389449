import { hasWizard, listWizards, runWizard, totalRuns } from './registry.ts'

export interface ApiResponse {
  status: number
  body: unknown
}

/** The wizard API: GET /api/wizards, POST /api/wizards/:id/run. */
export function handleApiRequest(method: string, url: string): ApiResponse | undefined {
  const path = url.split('?', 1)[0]
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
