// @vitest-environment happy-dom
import { act } from 'preact/test-utils'
import { describe, expect, test, vi } from 'vitest'
import { WIZARD_EVENTS, type WizardFailedPayload } from '../protocol.ts'
import { mountWizardOverlay, OVERLAY_ELEMENT } from './main.tsx'
import { overlayHarness } from './overlay-harness.ts'

const options = { position: 'bottom-left' as const, successTimeout: 3000, base: '/', root: '/project' }
const page = overlayHarness(options)
const { shadow, emit, flush, advance } = page

const failure: WizardFailedPayload = {
  wizardId: 'debug',
  file: '/project/wizards/debug_wizard.ts',
  timestamp: 1,
  keptPreviousVersion: true,
  error: {
    kind: 'syntax',
    message: 'SyntaxError: Unexpected token',
    loc: { file: '/project/wizards/debug_wizard.ts', line: 4, column: 3 },
    frame: "  3 |     return 'v2' +\n> 4 |   }\n    |   ^\n  5 | }",
  },
}

function toasts() {
  return [...shadow().querySelectorAll<HTMLElement>('.toast')]
}

describe('mounting', () => {
  test('one custom element with an open shadow root, positioned; mounting twice reuses it', () => {
    expect(page.handle.element.tagName.toLowerCase()).toBe(OVERLAY_ELEMENT)
    expect(page.handle.element.shadowRoot).not.toBeNull()
    expect(page.handle.element.dataset.position).toBe('bottom-left')
    expect(customElements.get(OVERLAY_ELEMENT)).toBeDefined()
    expect(mountWizardOverlay(page.hot, options)).toBe(page.handle)
    expect(document.querySelectorAll(OVERLAY_ELEMENT)).toHaveLength(1)
  })

  test('page CSS does not reach into the overlay', async () => {
    const style = document.createElement('style')
    style.textContent = '.toast { display: none !important } * { color: red !important }'
    document.head.appendChild(style)
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', reloadCount: 1, durationMs: 2.5, timestamp: 1 })
    await flush()
    expect(document.querySelector('.toast')).toBeNull()
    expect(toasts()).toHaveLength(1)
    style.remove()
  })

  test('asks the server for current failures on mount and again after a reconnect', () => {
    expect(page.hot.sent).toEqual([{ event: WIZARD_EVENTS.ready, data: { client: 'page' } }])
    emit('vite:ws:connect', {})
    expect(page.hot.sent).toHaveLength(1)
    emit('vite:ws:disconnect', {})
    emit('vite:ws:connect', {})
    expect(page.hot.sent).toHaveLength(2)
  })

  test('unmount removes the element and every listener', () => {
    act(() => page.handle.unmount())
    expect(document.querySelector(OVERLAY_ELEMENT)).toBeNull()
    expect(page.hot.listenerCount(WIZARD_EVENTS.failed)).toBe(0)
    expect(page.hot.listenerCount(WIZARD_EVENTS.state)).toBe(0)
    page.mount()
  })
})

/** debug reloaded: its toast. */
async function reloadedToast({ reloadCount, durationMs }: { reloadCount: number; durationMs: number }) {
  emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', reloadCount, durationMs, timestamp: 1 })
  await flush()
  return toasts()[0]
}

describe('toasts', () => {
  test('patch mode: the toast says which members went into the running instances, or why the class was replaced', async () => {
    const reloaded = { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 2, reloadCount: 1, durationMs: 2, timestamp: 1 }
    emit(WIZARD_EVENTS.reloaded, { ...reloaded, patched: { changed: ['step2', 'validate'], added: [], removed: [] } })
    await flush()
    expect(toasts()[0].querySelector('.patched')!.textContent).toBe('members: 2 patched — step2, validate')
    emit(WIZARD_EVENTS.reloaded, { ...reloaded, reloadCount: 2, fallback: 'The constructor changed: the live instances keep their old fields (started).' })
    await flush()
    expect(toasts()[0].querySelector('.patched.fallback')!.textContent).toBe(
      'class replaced, not patched: The constructor changed: the live instances keep their old fields (started).',
    )
    emit(WIZARD_EVENTS.reloaded, { ...reloaded, patched: { changed: [], added: [], removed: [], noCodeChange: true } })
    await flush()
    expect(toasts()[0].textContent).toContain('debug saved')
    expect(toasts()[0].querySelector('.patched')!.textContent).toBe('no code change (comments or formatting)')
  })

  test('success: id, time and reload count; polite; dismisses itself after successTimeout', async () => {
    const toast = await reloadedToast({ reloadCount: 4, durationMs: 12.4 })
    expect(toast.textContent).toContain('debug reloaded')
    expect(toast.textContent).toContain('12 ms · reload #4')
    expect(toast.getAttribute('role')).toBe('status')
    expect(toast.getAttribute('aria-live')).toBe('polite')
    await advance(2999)
    expect(toasts()).toHaveLength(1)
    await advance(1)
    expect(toasts()).toHaveLength(0)
  })

  test('a success toast being read (pointer over it) or used (focus in it) stays; its full time starts again after', async () => {
    const toast = await reloadedToast({ reloadCount: 1, durationMs: 1 })
    const shownAfter = async (ms: number) => {
      await advance(ms)
      return toasts().length
    }
    act(() => void toast.dispatchEvent(new Event('pointerenter')))
    expect(await shownAfter(10_000)).toBe(1)
    act(() => void toast.dispatchEvent(new Event('pointerleave')))
    expect(await shownAfter(2999)).toBe(1)
    act(() => toast.querySelector<HTMLButtonElement>('button.dismiss')!.focus())
    expect(await shownAfter(10_000)).toBe(1)
    act(() => toast.querySelector<HTMLButtonElement>('button.dismiss')!.blur())
    expect(await shownAfter(3000)).toBe(0)
  })

  test('failure: kind, message, file:line:column link to the editor, code frame; assertive; stays until that wizard reloads', async () => {
    emit(WIZARD_EVENTS.failed, failure)
    await flush()
    const [toast] = toasts()
    expect(toast.getAttribute('role')).toBe('alert')
    expect(toast.getAttribute('aria-live')).toBe('assertive')
    expect(toast.querySelector('.kind')!.textContent).toBe('syntax')
    expect(toast.querySelector('.message')!.textContent).toBe('SyntaxError: Unexpected token')
    const link = toast.querySelector<HTMLAnchorElement>('a.loc')!
    expect(link.textContent).toBe('wizards/debug_wizard.ts:4:3')
    expect(link.getAttribute('href')).toBe(`/__open-in-editor?file=${encodeURIComponent('/project/wizards/debug_wizard.ts:4:3')}`)
    const lines = [...toast.querySelectorAll('pre.frame span')]
    expect(lines.map((line) => line.className)).toEqual(['', 'hl', 'caret', ''])
    expect(lines[1].textContent).toBe('> 4 |   }')
    expect(toast.textContent).toContain('The previous version keeps serving.')

    await advance(60_000)
    expect(toasts()).toHaveLength(1)

    emit(WIZARD_EVENTS.reloaded, { wizardId: 'other', file: '/project/wizards/other.ts', reloadCount: 1, durationMs: 1, timestamp: 2 })
    await flush()
    expect(toasts().map((t) => t.dataset.toast)).toEqual(['failed', 'reloaded'])
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: failure.file, reloadCount: 2, durationMs: 1, timestamp: 3 })
    await flush()
    expect(toasts().map((t) => `${t.dataset.wizardId}:${t.dataset.toast}`)).toEqual(['other:reloaded', 'debug:reloaded'])
  })

  test('clicking the location asks Vite to open the editor instead of navigating', async () => {
    const fetchSpy = vi.fn(async () => new Response(''))
    vi.stubGlobal('fetch', fetchSpy)
    emit(WIZARD_EVENTS.failed, failure)
    await flush()
    act(() => shadow().querySelector<HTMLAnchorElement>('a.loc')!.click())
    expect(fetchSpy).toHaveBeenCalledWith(`/__open-in-editor?file=${encodeURIComponent('/project/wizards/debug_wizard.ts:4:3')}`)
    vi.unstubAllGlobals()
  })

  test('a burst of reloads updates one toast (×3) and restarts its timer', async () => {
    for (let i = 1; i <= 3; i++) {
      emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: failure.file, reloadCount: i, durationMs: 1, timestamp: i })
      await advance(2000)
    }
    expect(toasts()).toHaveLength(1)
    expect(toasts()[0].querySelector('.badge')!.textContent).toBe('×3')
    expect(toasts()[0].textContent).toContain('reload #3')
    await advance(1000)
    expect(toasts()).toHaveLength(0)
  })

  test('removed wizards are shown and clear their failure', async () => {
    emit(WIZARD_EVENTS.failed, failure)
    emit(WIZARD_EVENTS.removed, { wizardId: 'debug', file: failure.file, timestamp: 2 })
    await flush()
    expect(toasts().map((t) => t.dataset.toast)).toEqual(['removed'])
    expect(toasts()[0].textContent).toContain('debug removed')
  })

  test('dismiss by button, by Escape inside a toast, and by Escape on the page (not while typing)', async () => {
    emit(WIZARD_EVENTS.failed, failure)
    emit(WIZARD_EVENTS.failed, { ...failure, wizardId: 'b' })
    emit(WIZARD_EVENTS.failed, { ...failure, wizardId: 'c' })
    await flush()
    const button = toasts()[0].querySelector<HTMLButtonElement>('button.dismiss')!
    expect(button.getAttribute('aria-label')).toBe('Dismiss debug notification')
    button.click()
    await flush()
    expect(toasts().map((t) => t.dataset.wizardId)).toEqual(['b', 'c'])

    toasts()[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    await flush()
    expect(toasts().map((t) => t.dataset.wizardId)).toEqual(['c'])

    const input = document.createElement('input')
    document.body.appendChild(input)
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    await flush()
    expect(toasts()).toHaveLength(1)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await flush()
    expect(toasts()).toHaveLength(0)
    input.remove()
  })

  test('wizards failing because of one broken helper share a toast that names them', async () => {
    const helperError = {
      kind: 'syntax' as const,
      message: 'SyntaxError: Unexpected token',
      loc: { file: '/project/wizards/shared/format.ts', line: 2, column: 9 },
      frame: '> 2 | x +',
    }
    for (const id of ['report', 'digest', 'summary'])
      emit(WIZARD_EVENTS.failed, { wizardId: id, file: `/project/wizards/${id}_wizard.ts`, timestamp: 1, error: helperError })
    await flush()
    expect(toasts()).toHaveLength(1)
    const [toast] = toasts()
    expect(toast.querySelector('.title')!.textContent).toBe('3 wizards failed to reload')
    expect(toast.querySelector('.ids')!.textContent).toBe('report, digest, summary — all import the module below')
    expect(toast.querySelector('a.loc')!.textContent).toBe('wizards/shared/format.ts:2:9')
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'digest', file: '/project/wizards/digest_wizard.ts', reloadCount: 2, durationMs: 1, timestamp: 2 })
    await flush()
    expect(toasts().map((t) => `${t.dataset.toast}:${t.dataset.wizardIds}`)).toEqual(['failed:report summary', 'reloaded:digest'])
  })

  test('backends: "reloaded in 3/3 backends (times)"; one that failed is named, plainly, and the toast stays', async () => {
    const base = {
      wizardId: 'debug',
      file: '/project/wizards/debug_wizard.ts',
      version: 2,
      reloadCount: 1,
      durationMs: 2.5,
      phases: { detectMs: 0, loadMs: 2, registerMs: 0.3, disposeMs: 0.2 },
      reason: 'code',
      configFile: null,
      timestamp: 1,
    }
    emit(WIZARD_EVENTS.reloaded, { ...base, backends: { total: 3, ok: 3, minMs: 2.1, maxMs: 3.4, failed: [] } })
    await flush()
    expect(toasts()[0].querySelector('.title')!.textContent).toBe('debug reloaded in 3/3 backends')
    expect(toasts()[0].querySelector('.meta')!.textContent).toBe('(2.1–3.4 ms) · reload #1')
    emit(WIZARD_EVENTS.reloaded, {
      ...base,
      reloadCount: 2,
      timestamp: 2,
      backends: { total: 3, ok: 2, minMs: 2, maxMs: 2, failed: [{ name: 'worker', error: { kind: 'register', message: 'register("debug") returned false' } }] },
    })
    await flush()
    const [toast] = toasts()
    expect(toast.classList.contains('partial')).toBe(true)
    expect(toast.querySelector('.title')!.textContent).toBe('debug reloaded in 2/3 backends')
    expect([...toast.querySelectorAll('.backend-failures li')].map((li) => li.textContent)).toEqual([
      'worker: register("debug") returned false',
      'Its previous version keeps serving there; the others have the new one.',
    ])
    await advance(10_000)
    expect(toasts()).toHaveLength(1) // stays, like a failure
  })

  test('a new wizard file is "added", not "reloaded"', async () => {
    emit(WIZARD_EVENTS.reloaded, {
      wizardId: 'plan',
      file: '/project/wizards/plan_wizard.ts',
      version: 1,
      reloadCount: 1,
      durationMs: 9.4,
      phases: { detectMs: 0, loadMs: 9, registerMs: 0.2, disposeMs: 0 },
      reason: 'code',
      added: true,
      configFile: null,
      timestamp: 1,
    })
    await flush()
    expect(toasts()[0].querySelector('.title')!.textContent).toBe('plan added')
  })

  test('the state snapshot (the answer to "ready") shows current failures once, however often it comes', async () => {
    emit(WIZARD_EVENTS.state, { failures: [failure], wizards: [] })
    emit(WIZARD_EVENTS.state, { failures: [failure], wizards: [] })
    emit(WIZARD_EVENTS.failed, failure)
    await flush()
    expect(toasts()).toHaveLength(1)
    expect(toasts()[0].querySelector('.badge')).toBeNull()
    // A snapshot without it: the wizard was fixed while the page was not listening.
    emit(WIZARD_EVENTS.state, { failures: [], wizards: [] })
    await flush()
    expect(toasts()).toHaveLength(0)
  })
})
