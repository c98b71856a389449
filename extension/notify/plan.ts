import { labelOf, whereOf, type ServerView } from '../servers/server-view.ts'
import type { MoodChange } from './moods.ts'

/** Past this many changes at once (a branch switch), one summary instead of one notification each. */
export const BURST_LIMIT = 3

export interface NotificationSpec {
  /** One per wizard (a later one replaces it), or one summary per dev server. */
  id: string
  title: string
  message: string
  contextMessage: string
}

const PREFIX = 'wizard-hot-reload'

/** The notification id of a wizard (or of a dev server's summary, without one). */
export function notificationId(server: string, wizardId?: string): string {
  return `${PREFIX}|${server}|${wizardId === undefined ? '*' : `w:${wizardId}`}`
}

/** What a clicked notification is about. */
export function parseNotificationId(id: string): { server: string; wizardId?: string } | undefined {
  const [prefix, server, which, ...rest] = id.split('|')
  if (prefix !== PREFIX || !server || which === undefined) return undefined
  if (which === '*') return { server }
  return which.startsWith('w:') ? { server, wizardId: [which.slice(2), ...rest].join('|') } : undefined
}

/** The notifications for a dev server's changes: one per wizard, or one summary for a burst. */
export function planNotifications(view: Pick<ServerView, 'server' | 'project' | 'root'>, changes: MoodChange[]): NotificationSpec[] {
  const context = labelOf(view)
  if (changes.length > BURST_LIMIT) return [summaryOf(view.server, context, changes)]
  return changes.map((change) => ({ id: notificationId(view.server, change.wizardId), contextMessage: context, ...wordsFor(change, view.root) }))
}

function wordsFor(change: MoodChange, root: string | null): { title: string; message: string } {
  const { wizardId } = change
  if (change.to === 'failed') {
    const { error, file, keptPreviousVersion } = change.failure
    const firstLine = error.message.split('\n', 1)[0]
    return {
      title: `${wizardId} failed to reload`,
      message: `${error.kind} · ${whereOf(error.loc, file, root)}\n${firstLine}${keptPreviousVersion ? '\nThe previous version keeps serving.' : ''}`,
    }
  }
  if (change.to === 'backend-failed') {
    const { version, backends } = change.reloaded
    const [first] = backends!.failed
    return {
      title: `${wizardId}: ${backends!.failed.length === 1 ? `backend ${first.name}` : `${backends!.failed.length} backends`} failed`,
      message: `v${version} runs in the dev server and ${backends!.ok}/${backends!.total} backends; ${first.name}: ${first.error.message.split('\n', 1)[0]}`,
    }
  }
  return { title: `${wizardId} works again`, message: change.version === null ? change.how : `v${change.version} ${change.how}` }
}

function summaryOf(server: string, context: string, changes: MoodChange[]): NotificationSpec {
  const count = (mood: MoodChange['to']) => changes.filter((change) => change.to === mood).length
  const parts = [
    [count('failed'), 'failed'],
    [count('backend-failed'), 'failed in a backend'],
    [count('ok'), 'work again'],
  ].flatMap(([n, what]) => (n ? [`${n} ${what}`] : []))
  const names = changes.map((change) => change.wizardId)
  return {
    id: notificationId(server),
    title: `${changes.length} wizards changed: ${parts.join(', ')}`,
    message: `${names.slice(0, 6).join(', ')}${names.length > 6 ? `, and ${names.length - 6} more` : ''}`,
    contextMessage: context,
  }
}
