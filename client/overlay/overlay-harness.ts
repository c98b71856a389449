// Test support (not shipped): the overlay's component tests share this.
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, vi } from 'vitest'
import { mountWizardOverlay, type OverlayClientOptions, type OverlayHandle } from './main.tsx'
import { FakeHotContext } from '../../test/fake-hot-context.ts'

/**
 * The overlay mounted fresh for each test (fake timers, a fake HMR context, empty storage) and
 * unmounted after it, with what its tests do to it: deliver an event, move time, look inside.
 */
export function overlayHarness(options: OverlayClientOptions) {
  const page = {
    hot: undefined as unknown as FakeHotContext,
    handle: undefined as unknown as OverlayHandle,
    /** Mounts the overlay (again, as a page reload does). */
    mount() {
      act(() => {
        page.handle = mountWizardOverlay(page.hot, options)
      })
    },
    shadow: () => page.handle.element.shadowRoot!,
    /** An HMR event arriving, as the Vite client would dispatch it. */
    emit(event: string, payload: unknown) {
      act(() => page.hot.emit(event, payload))
    },
    /** Moves fake time and lets Preact render and run effects. */
    async advance(ms: number) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(ms)
      })
    },
    flush: () => page.advance(0),
  }
  beforeEach(() => {
    localStorage.clear()
    vi.useFakeTimers()
    page.hot = new FakeHotContext()
    page.mount()
  })
  afterEach(() => {
    act(() => page.handle.unmount())
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })
  return page
}
