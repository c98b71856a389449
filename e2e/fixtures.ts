import { test as base, expect, type Page } from '@playwright/test'
import { startPlayground, type Playground } from './playground.ts'

export const test = base.extend<{ playground: Playground }>({
  // eslint-disable-next-line no-empty-pattern
  playground: async ({}, use) => {
    const playground = await startPlayground()
    await use(playground)
    await playground.close()
  },
})

export { expect }

/** A toast in the overlay's shadow root (Playwright's CSS locators pierce open shadow roots). */
export function toast(page: Page, wizardId: string, type?: 'reloaded' | 'failed' | 'removed') {
  return page.locator(`wizard-hot-reload-overlay .toast[data-wizard-id="${wizardId}"]${type ? `[data-toast="${type}"]` : ''}`)
}

export async function apiRun(playground: Playground, wizardId: string): Promise<{ output?: string; error?: string }> {
  const response = await fetch(new URL(`/api/wizards/${wizardId}/run`, playground.url), { method: 'POST' })
  return (await response.json()) as { output?: string; error?: string }
}

/** A screenshot once every animation on the page (the overlay's shadow root included) has ended. */
export async function screenshotWhenSettled(page: Page, file: string): Promise<void> {
  await page.evaluate(async () => {
    const roots: Array<Document | ShadowRoot> = [
      document,
      ...[...document.querySelectorAll('*')].flatMap((element) => (element.shadowRoot ? [element.shadowRoot] : [])),
    ]
    await Promise.all(roots.flatMap((root) => root.getAnimations().map((animation) => animation.finished)))
  })
  await page.screenshot({ path: file })
}

/** Counts the HMR frames carrying `event` that the page receives (from now on). */
export function countHmrFrames(page: Page, event: string): () => number {
  let count = 0
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes(`"event":"${event}"`)) count++
    })
  })
  return () => count
}
