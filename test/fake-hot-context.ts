import type { HotContext } from '../client/hot-context.ts'

/**
 * Stands in for Vite's `import.meta.hot` in component tests (there is no Vite client in a unit
 * test's DOM); the e2e tests use the real one in Chromium.
 */
export class FakeHotContext implements HotContext {
  readonly sent: Array<{ event: string; data: unknown }> = []
  private readonly listeners = new Map<string, Set<(payload: never) => void>>()

  on(event: string, callback: (payload: never) => void): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set())
    this.listeners.get(event)!.add(callback)
  }

  off(event: string, callback: (payload: never) => void): void {
    this.listeners.get(event)?.delete(callback)
  }

  send(event: string, data?: unknown): void {
    this.sent.push({ event, data })
  }

  emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload as never)
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
