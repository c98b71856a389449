import type { ServerView } from '../servers/server-view.ts'
import { badgeOf, type Badge } from './badge.ts'

/** How long the green mark stays after a successful reload. */
const FLASH_MS = 3000

/** Keeps the toolbar button's badge and tooltip in step with the views (only what changed is set). */
export class Toolbar {
  private flashUntil = 0
  private flashTimer: ReturnType<typeof setTimeout> | undefined
  private shown: Badge | undefined

  constructor(private readonly views: () => ServerView[]) {}

  update(): void {
    const badge = badgeOf(this.views(), Date.now() < this.flashUntil)
    const shown = this.shown
    this.shown = badge
    if (shown?.text !== badge.text) void chrome.action.setBadgeText({ text: badge.text })
    if (shown?.color !== badge.color) void chrome.action.setBadgeBackgroundColor({ color: badge.color })
    if (shown?.title !== badge.title) void chrome.action.setTitle({ title: badge.title })
  }

  /** A wizard reloaded: the green mark, briefly (a count of failures, if any, still wins). */
  flash(): void {
    this.flashUntil = Date.now() + FLASH_MS
    clearTimeout(this.flashTimer)
    this.flashTimer = setTimeout(() => this.update(), FLASH_MS + 10)
    this.update()
  }
}
