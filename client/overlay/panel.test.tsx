// @vitest-environment happy-dom
import { act } from 'preact/test-utils'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { WIZARD_EVENTS, WizardFailedPayload, WizardHistoryEntry, WizardStatePayload } from '../protocol.ts'
import type { WizardRequest } from '../wire.ts'
import { overlayStyles } from './styles.ts'
import { overlayHarness } from './overlay-harness.ts'

const options = { position: 'bottom-right' as const, successTimeout: 3000, base: '/', root: '/project' }
const page = overlayHarness(options)
const { shadow, emit, flush } = page
const PREFS_KEY = 'wizard-hot-reload:overlay'

const failure: WizardFailedPayload = {
  wizardId: 'report',
  file: '/project/wizards/report_wizard.ts',
  timestamp: 5,
  keptPreviousVersion: true,
  error: {
    kind: 'evaluate',
    message: 'Error: boom',
    loc: { file: '/project/wizards/report_wizard.ts', line: 3, column: 9 },
    frame: '> 3 | throw new Error("boom")',
  },
}
const state: WizardStatePayload = {
  failures: [failure],
  wizards: [
    { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 3, state: 'ok' },
    { wizardId: 'report', file: '/project/wizards/report_wizard.ts', version: 1, state: 'failed' },
  ],
}
const phases = { detectMs: 1, loadMs: 2, registerMs: 0.5, disposeMs: 0.5 }
function entry(attempt: number, version: number | null, outcome: WizardHistoryEntry['outcome'], extra: Partial<WizardHistoryEntry> = {}): WizardHistoryEntry {
  return {
    attempt,
    version,
    outcome,
    timestamp: Date.UTC(2026, 11, 1, 8, 0, attempt),
    durationMs: 4,
    phases,
    file: '/project/wizards/debug_wizard.ts',
    sourceHash: 'abc',
    kept: version !== null,
    ...extra,
  }
}
const debugHistory = [
  entry(1, 1, 'loaded'),
  entry(2, 2, 'reloaded'),
  entry(3, 3, 'reloaded'),
  entry(4, null, 'failed', { kind: 'syntax', message: 'SyntaxError: x', phases: undefined }),
]

function $(selector: string) {
  return shadow().querySelector<HTMLElement>(selector)
}
function $$(selector: string) {
  return [...shadow().querySelectorAll<HTMLElement>(selector)]
}
function button(text: string | RegExp) {
  const found = $$('button').find((b) => (typeof text === 'string' ? b.textContent?.trim() === text : text.test(b.textContent ?? '')))
  if (!found)
    throw new Error(
      `no button "${text}" in: ${$$('button')
        .map((b) => b.textContent)
        .join(' | ')}`,
    )
  return found
}
async function click(element: HTMLElement) {
  act(() => element.click())
  await flush()
}
async function key(init: KeyboardEventInit) {
  act(() => {
    document.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
  })
  await flush()
}
/** The requests the page sent, newest last. */
function requests(): WizardRequest[] {
  return page.hot.sent.filter((message) => message.event === WIZARD_EVENTS.request).map((message) => message.data as WizardRequest)
}
/** Answers the newest request of that type as the server would. */
async function reply(type: WizardRequest['type'], answer: { result: unknown } | { error: string }) {
  const request = requests().findLast((r) => r.type === type)
  if (!request) throw new Error(`no ${type} request was sent`)
  emit(WIZARD_EVENTS.reply, 'error' in answer ? { id: request.id, ok: false, error: answer.error } : { id: request.id, ok: true, result: answer.result })
  await flush()
}
/** The panel open on debug, its history answered. */
async function openOnDebug() {
  await openPanel()
  await click($('.wizard[data-wizard-id="debug"]')!)
  await reply('history', { result: debugHistory })
}
/** Escape pressed with focus in `element` (a control of the page's, or of the overlay's). */
async function escapeFrom(element: HTMLElement) {
  act(() => {
    element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true, composed: true }))
  })
  await flush()
}
/** Presses a panel button, checks the request it sent, and answers it as the server would. */
async function pressAndAnswer(
  text: string,
  request: Partial<WizardRequest> & { type: WizardRequest['type'] },
  answer: { result: unknown } | { error: string },
) {
  await click(button(text))
  expect(requests().at(-1)).toMatchObject(request)
  await reply(request.type, answer)
}
async function openPanel() {
  await click($('.wbadge')!)
}

/** A page reload: the overlay mounts again and receives the server's snapshot. */
async function remountWithState() {
  act(() => page.handle.unmount())
  page.mount()
  emit(WIZARD_EVENTS.state, state)
  await flush()
}

describe('badge', () => {
  test('hidden until wizards are known; then the count and whether all are fine, broken or pinned', async () => {
    expect($('.wbadge')).toBeNull()
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 2, reloadCount: 1, durationMs: 2, timestamp: 1 })
    await flush()
    expect($('.wbadge')!.dataset.state).toBe('ok')
    expect($('.wbadge')!.getAttribute('aria-label')).toBe('1 wizard, all fine. Open the wizard panel')

    emit(WIZARD_EVENTS.state, state)
    await flush()
    expect($('.wbadge .count')!.textContent).toBe('2')
    expect($('.wbadge')!.dataset.state).toBe('failed')
    expect($('.wbadge .detail')!.textContent).toBe('1 broken')

    emit(WIZARD_EVENTS.rolledBack, { wizardId: 'report', file: failure.file, version: 1, previousVersion: 2, pinned: true, timestamp: 6 })
    await flush()
    expect($('.wbadge')!.dataset.state).toBe('pinned')
    expect($('.wbadge .detail')!.textContent).toBe('1 pinned')
    // With the panel closed, the badge says what the panel would (its label and tooltip).
    expect($('.wbadge')!.getAttribute('aria-label')).toBe('2 wizards, 1 pinned (report rolled back to v1 — the file on disk is newer). Open the wizard panel')
    expect($('.wbadge')!.title).toContain('report rolled back to v1 — the file on disk is newer')

    emit(WIZARD_EVENTS.removed, { wizardId: 'report', file: failure.file, timestamp: 7 })
    await flush()
    expect($('.wbadge')!.dataset.state).toBe('ok')
    expect($('.wbadge .count')!.textContent).toBe('1')
  })
})

describe('panel', () => {
  beforeEach(async () => {
    emit(WIZARD_EVENTS.state, state)
    await flush()
  })

  test('opens from the badge with focus on its heading, lists every wizard, selects a broken one first', async () => {
    await openPanel()
    expect($('.wbadge')).toBeNull()
    expect($('[role="dialog"]')!.getAttribute('aria-labelledby')).toBe('wizard-panel-title')
    expect(shadow().activeElement?.id).toBe('wizard-panel-title')
    expect($$('.wizard-list .wizard').map((b) => `${b.dataset.wizardId}:${b.querySelector('.meta')!.textContent}`)).toEqual([
      'debug:v3 · ok',
      'report:v1 · broken',
    ])
    expect($('.wizard[aria-current="true"]')!.dataset.wizardId).toBe('report')
    // The failure as in the toast, the history asked for.
    expect($('.details .failure .message')!.textContent).toBe('Error: boom')
    expect($('.details .failure a.loc')!.textContent).toBe('wizards/report_wizard.ts:3:9')
    expect(requests().at(-1)).toMatchObject({ type: 'history', wizardId: 'report' })
  })

  test('the timeline: newest first, time, outcome, kind, duration, a bar split into phases; failures have no actions', async () => {
    await openPanel()
    await click($('.wizard[data-wizard-id="debug"]')!)
    expect(requests().at(-1)).toMatchObject({ type: 'history', wizardId: 'debug' })
    await reply('history', { result: debugHistory })
    const entries = $$('.timeline .entry')
    expect(entries.map((e) => `${e.dataset.outcome}@${e.dataset.version}`)).toEqual(['failed@', 'reloaded@3', 'reloaded@2', 'loaded@1'])
    expect(entries[0].querySelector('.kind')!.textContent).toBe('syntax')
    expect(entries[0].querySelector('.message')!.textContent).toBe('SyntaxError: x')
    expect(entries[0].querySelector('button')).toBeNull()
    expect(entries[1].querySelector('.meta')!.textContent).toBe('4.0 ms')
    const bar = entries[1].querySelector<HTMLElement>('.bar')!
    expect(bar.getAttribute('aria-label')).toBe('detect 1.0 ms, load 2.0 ms, register 0.5 ms, dispose 0.5 ms')
    expect([...bar.querySelectorAll<HTMLElement>('.phase')].map((p) => p.style.flexGrow)).toEqual(['1', '2', '0.5', '0.5'])
    // v3 is current: no rollback to it, but a diff against v2; v1 has nothing older to diff with.
    expect([...entries[1].querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Diff v2 → v3'])
    expect([...entries[3].querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Roll back to v1'])
  })

  test('roll back, undo and retry send their requests; the answer (or the error) is shown', async () => {
    await openOnDebug()

    await pressAndAnswer('Roll back to v1', { type: 'rollback', wizardId: 'debug', version: 1 }, { result: { wizardId: 'debug', version: 1 } })
    expect($('.notice')!.textContent).toBe('debug rolled back to v1')
    expect($('.notice')!.getAttribute('role')).toBe('status')
    // The event updates the list; the panel says why it is pinned and fetches the history again.
    emit(WIZARD_EVENTS.rolledBack, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 1, previousVersion: 3, pinned: true, timestamp: 9 })
    await flush()
    expect($('.wizard[data-wizard-id="debug"] .meta')!.textContent).toBe('v1 · pinned')
    expect($('.pinned-note')!.textContent).toContain('Rolled back to v1 — the file on disk is newer')
    expect(requests().at(-1)).toMatchObject({ type: 'history', wizardId: 'debug' })

    await pressAndAnswer('Undo', { type: 'undo', wizardId: 'debug' }, { error: 'debug has no earlier version to go back to' })
    expect($('.notice')!.textContent).toBe('debug has no earlier version to go back to')
    expect($('.notice')!.getAttribute('role')).toBe('alert')

    await pressAndAnswer('Retry', { type: 'retry', wizardId: 'debug' }, { error: 'SyntaxError: x' })
    expect($('.notice.error')!.textContent).toBe('SyntaxError: x')
  })

  /** What a diff of debug's v2 → v3 says of itself (the panel asked for exactly that). */
  const diffOfDebug = { wizardId: 'debug', from: 2, to: 3 }

  test('a diff between two versions is fetched on request and shown as added and removed lines, code then config', async () => {
    await openOnDebug()
    await click(button('Diff v2 → v3'))
    expect(requests().at(-1)).toMatchObject({ type: 'diff', wizardId: 'debug', from: 2, to: 3 })
    await reply('diff', {
      result: {
        ...diffOfDebug,
        hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, lines: [' class A {', "-  x = 'v2'", "+  x = 'v3'"] }],
        config: {
          from: '/project/wizards/debug_wizard.config.yaml',
          to: '/project/wizards/debug_wizard.config.yaml',
          hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ['-model: small', '+model: large'] }],
        },
      },
    })
    expect($('.diff')!.getAttribute('aria-label')).toBe('Changes from v2 to v3')
    expect($$('.diff .hunk').map((h) => h.textContent)).toEqual([
      '@@ -1,2 +1,2 @@',
      'config: debug_wizard.config.yaml → debug_wizard.config.yaml',
      '@@ -1,1 +1,1 @@',
    ])
    expect($$('.diff .del').map((l) => l.textContent)).toEqual(["-  x = 'v2'", '-model: small'])
    expect($$('.diff .add').map((l) => l.textContent)).toEqual(["+  x = 'v3'", '+model: large'])
  })

  test('after a rollback the diff it showed (of versions the wizard left) goes', async () => {
    emit(WIZARD_EVENTS.state, { failures: [], wizards: state.wizards.map((row) => ({ ...row, state: 'ok' })) })
    await openOnDebug()
    await click(button('Diff v2 → v3'))
    await reply('diff', {
      result: {
        ...diffOfDebug,
        hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ["-  x = 'v2'", "+  x = 'v3'"] }],
        config: { from: null, to: null, hunks: [] },
      },
    })
    expect($('.diff')).not.toBeNull()
    emit(WIZARD_EVENTS.rolledBack, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 1, pinned: true, timestamp: 9 })
    await flush()
    expect($('.pinned-note')!.textContent).toContain('Rolled back to v1')
    expect($('.diff')).toBeNull()
  })

  test('the panel opens on the wizard that just failed, else on the one that just changed — not the first by name', async () => {
    emit(WIZARD_EVENTS.state, {
      failures: [],
      wizards: [
        ...state.wizards.map((row) => ({ ...row, state: 'ok' as const })),
        { wizardId: 'zeta', file: '/project/wizards/zeta_wizard.ts', version: 1, state: 'ok' },
      ],
    })
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'zeta', file: '/project/wizards/zeta_wizard.ts', version: 2, reloadCount: 1, durationMs: 2, timestamp: 7 })
    const openedOn = async () => {
      await flush()
      await openPanel()
      const current = $('.wizard[aria-current="true"]')!.dataset.wizardId
      await click($('.panel button[aria-label="Close the wizard panel"]')!)
      return current
    }
    expect(await openedOn()).toBe('zeta')
    emit(WIZARD_EVENTS.failed, { ...failure, wizardId: 'report', timestamp: 8 })
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'zeta', file: '/project/wizards/zeta_wizard.ts', version: 3, reloadCount: 2, durationMs: 2, timestamp: 9 })
    expect(await openedOn()).toBe('report')
  })

  test('focus rings: none on the heading that takes focus when the panel opens; the badge’s drawn inside it (never clipped at the screen edge)', () => {
    const css = overlayStyles
    expect(css).toContain('h2[tabindex="-1"]:focus { outline: none; }')
    expect(css).toMatch(/\.wbadge:focus-visible \{ outline-offset: -\d+px; \}/)
    expect(css).not.toMatch(/h2:focus-visible/)
  })

  test('a request nobody answers fails after a while with a message, not a spinner forever', async () => {
    await openPanel()
    expect($('.details')!.textContent).toContain('Loading the history…')
    await act(async () => {
      await vi.advanceTimersByTimeAsync(15_000)
    })
    expect($('.notice.error')!.textContent).toBe('no answer to "history" within 15 s (is the dev server running?)')
  })

  test('while it is open no toast covers it: successes are shown in it; a failure toast waits until it closes', async () => {
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 4, reloadCount: 1, durationMs: 2, timestamp: 6 })
    await flush()
    expect(
      $$('.toast')
        .map((t) => t.dataset.toast)
        .sort(),
    ).toEqual(['failed', 'reloaded'])
    await openPanel()
    expect($$('.toast')).toHaveLength(0)
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 5, reloadCount: 2, durationMs: 2, timestamp: 7 })
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'report', file: failure.file, version: 2, reloadCount: 3, durationMs: 2, timestamp: 8 })
    emit(WIZARD_EVENTS.failed, { ...failure, wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', timestamp: 9 })
    await flush()
    expect($$('.toast')).toHaveLength(0)
    expect($('.wizard[data-wizard-id="report"] .meta')!.textContent).toBe('v2 · ok')
    expect($('.wizard[data-wizard-id="debug"] .meta')!.textContent).toBe('v5 · broken')
    await key({ key: 'Escape' })
    // The success toasts were news only while the panel was shut; the failure is still current.
    expect($$('.toast').map((t) => `${t.dataset.toast}:${t.dataset.wizardIds}`)).toEqual(['failed:debug'])
  })

  test('Alt+Shift+W toggles it, Escape closes it (not while typing), × closes it', async () => {
    await key({ code: 'KeyW', key: 'W', altKey: true, shiftKey: true })
    expect($('.panel')).not.toBeNull()
    const input = document.createElement('input')
    document.body.appendChild(input)
    await escapeFrom(input)
    expect($('.panel')).not.toBeNull()
    input.remove()
    await key({ key: 'Escape' })
    expect($('.panel')).toBeNull()
    expect($('.wbadge')).not.toBeNull()
    await key({ code: 'KeyW', key: 'W', altKey: true, shiftKey: true })
    await click($('[aria-label="Close the wizard panel"]')!)
    expect($('.panel')).toBeNull()
    await key({ code: 'KeyW', key: 'W', altKey: true, shiftKey: true })
    await key({ code: 'KeyW', key: 'W', altKey: true, shiftKey: true })
    expect($('.panel')).toBeNull()
  })

  test('focus: closing from inside the panel returns it to the badge; Escape works from its own checkbox; a panel restored at load takes none', async () => {
    await openPanel()
    await click($('[aria-label="Close the wizard panel"]')!)
    expect(shadow().activeElement).toBe($('.wbadge'))
    await openPanel()
    const checkbox = $('input[type="checkbox"]') as HTMLInputElement
    act(() => checkbox.focus())
    await escapeFrom(checkbox)
    expect($('.panel')).toBeNull()
    expect(shadow().activeElement).toBe($('.wbadge'))
    // Escape on a control of the page's own (its dialog's button, say) is the page's: the panel stays.
    await openPanel()
    const pageButton = document.body.appendChild(document.createElement('button'))
    pageButton.focus()
    await escapeFrom(pageButton)
    expect($('.panel')).not.toBeNull()
    pageButton.remove()
    // Restored open after a page load, the panel leaves the page's focus where it is.
    const pageInput = document.body.appendChild(document.createElement('input'))
    pageInput.focus()
    await remountWithState()
    expect($('.panel')).not.toBeNull()
    expect(shadow().activeElement).toBeNull()
    expect(document.activeElement).toBe(pageInput)
    pageInput.remove()
  })

  test('open or closed and the corner persist per origin (localStorage)', async () => {
    await openPanel()
    await click($('[aria-label="Move the panel to the next corner"]')!)
    expect(page.handle.element.dataset.position).toBe('bottom-left')
    expect(JSON.parse(localStorage.getItem(PREFS_KEY)!)).toMatchObject({ open: true, position: 'bottom-left' })
    await remountWithState()
    expect(page.handle.element.dataset.position).toBe('bottom-left')
    expect($('.panel')).not.toBeNull()
  })

  test('unreadable or blocked storage falls back to the defaults', async () => {
    localStorage.setItem(PREFS_KEY, '{not json')
    await remountWithState()
    expect(page.handle.element.dataset.position).toBe('bottom-right')
    expect($('.panel')).toBeNull()
    // An entry from another version, or edited by hand: what is not understood is ignored.
    localStorage.setItem(PREFS_KEY, JSON.stringify({ position: 'nowhere', open: 'yes', notify: 1 }))
    await remountWithState()
    expect(page.handle.element.dataset.position).toBe('bottom-right')
    expect($('.panel')).toBeNull()
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError')
    })
    await openPanel()
    expect($('.panel')).not.toBeNull()
  })
})

describe('notifications while the tab is hidden', () => {
  const shown: Array<{ title: string; body?: string; onclick?: () => void }> = []
  class FakeNotification {
    static permission: NotificationPermission = 'default'
    static requestPermission = vi.fn(async () => (FakeNotification.permission = 'granted'))
    onclick?: () => void
    constructor(
      readonly title: string,
      readonly options: NotificationOptions = {},
    ) {
      shown.push(this as never)
    }
    get body() {
      return this.options.body
    }
    close() {}
  }
  let visibility: DocumentVisibilityState = 'visible'

  beforeEach(async () => {
    shown.length = 0
    FakeNotification.permission = 'default'
    // The browser's Notification API and tab visibility cannot be real in a DOM test (the e2e cannot grant it headless).
    vi.stubGlobal('Notification', FakeNotification)
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility)
    emit(WIZARD_EVENTS.state, state)
    await flush()
  })

  test('opt-in from the panel asks for permission; then a failure in a hidden tab raises one, a click focuses the tab', async () => {
    visibility = 'hidden'
    emit(WIZARD_EVENTS.failed, { ...failure, timestamp: 10 })
    expect(shown).toHaveLength(0) // not opted in

    await openPanel()
    const toggle = $$('footer input[type="checkbox"]')[0] as HTMLInputElement
    await click(toggle)
    expect(FakeNotification.requestPermission).toHaveBeenCalled()
    expect(JSON.parse(localStorage.getItem(PREFS_KEY)!)).toMatchObject({ notify: true })

    emit(WIZARD_EVENTS.failed, { ...failure, timestamp: 11 })
    expect(shown.map((n) => n.title)).toEqual(['report failed to reload'])
    expect(shown[0].body).toBe('Error: boom\nThe previous version keeps serving.')
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {})
    shown[0].onclick!()
    expect(focus).toHaveBeenCalled()

    // Successes only when asked for; nothing while the tab is visible.
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 4, reloadCount: 2, durationMs: 3, timestamp: 12 })
    expect(shown).toHaveLength(1)
    await click($$('footer input[type="checkbox"]')[1])
    emit(WIZARD_EVENTS.reloaded, { wizardId: 'debug', file: '/project/wizards/debug_wizard.ts', version: 5, reloadCount: 3, durationMs: 3, timestamp: 13 })
    expect(shown.map((n) => n.title)).toEqual(['report failed to reload', 'debug reloaded'])
    visibility = 'visible'
    emit(WIZARD_EVENTS.failed, { ...failure, timestamp: 14 })
    expect(shown).toHaveLength(2)
  })

  test('permission denied: the toggle stays off', async () => {
    FakeNotification.requestPermission.mockImplementationOnce(async () => (FakeNotification.permission = 'denied'))
    await openPanel()
    const toggle = $$('footer input[type="checkbox"]')[0] as HTMLInputElement
    await click(toggle)
    expect(toggle.checked).toBe(false)
    expect(JSON.parse(localStorage.getItem(PREFS_KEY)!)).toMatchObject({ notify: false })
  })
})
