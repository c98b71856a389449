import { labelOf, type ServerView } from '../servers/server-view.ts'

export const BADGE_COLORS = { failing: '#d93025', success: '#1e8e3e', unreachable: '#80868b' } as const

export interface Badge {
  text: string
  color: string
  /** The toolbar button's tooltip: every paired dev server in a line. */
  title: string
}

/**
 * The toolbar badge: how many wizards fail right now across the paired dev servers that are connected
 * (red); else grey "off" while one of them cannot be reached (what it knows of that one is stale);
 * else a brief green mark after a successful reload (`flashing`); else nothing.
 */
export function badgeOf(views: ServerView[], flashing: boolean): Badge {
  const connected = views.filter((view) => view.link.state === 'connected')
  const failing = connected.reduce((sum, view) => sum + view.wizards.filter((wizard) => wizard.state === 'failed').length, 0)
  const away = views.filter((view) => view.link.state === 'unreachable' || view.link.state === 'refused')
  const title = ['Wizard hot reload', ...views.map(lineOf)].join('\n')
  if (views.length === 0)
    return { text: '', color: BADGE_COLORS.unreachable, title: 'Wizard hot reload — no dev server paired: open the popup, or the panel of a dev server' }
  if (failing > 0) return { text: failing > 99 ? '99+' : String(failing), color: BADGE_COLORS.failing, title }
  if (away.length > 0) return { text: 'off', color: BADGE_COLORS.unreachable, title }
  if (flashing) return { text: '✓', color: BADGE_COLORS.success, title }
  return { text: '', color: BADGE_COLORS.success, title }
}

function lineOf(view: ServerView): string {
  const failing = view.wizards.filter((wizard) => wizard.state === 'failed').map((wizard) => wizard.wizardId)
  if (view.link.state !== 'connected') return `${labelOf(view)}: ${view.link.state}${view.link.detail ? ` — ${view.link.detail}` : ''}`
  return `${labelOf(view)}: ${view.wizards.length} wizards${failing.length ? `, failing: ${failing.join(', ')}` : ', all fine'}`
}
