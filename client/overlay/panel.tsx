import { useEffect, useRef, useState } from 'preact/hooks'
import type { WizardDiff, WizardHistoryEntry } from '../protocol.ts'
import type { Request } from '../requests.ts'
import { ExtensionConnect } from './extension-connect.tsx'
import { FailureDetails } from './failure-details.tsx'
import { allowNotifications } from './notify.ts'
import type { PanelRequest } from './panel-request.ts'
import type { OverlayPrefs } from './prefs.ts'
import { DiffView, Timeline } from './timeline.tsx'
import type { WizardStore, WizardRow } from '../wizard-store.ts'

export interface PanelProps {
  list: WizardStore
  request: Request
  prefs: OverlayPrefs
  setPrefs: (change: Partial<OverlayPrefs>) => void
  onClose: () => void
  onMove: () => void
  base: string
  root: string
  /** Take focus when shown (opened by the user; not when restored open at page load). */
  focus?: boolean
  /** The dev server's origin (where the overlay came from): the browser extension connects there. */
  server: string
  /** Asked from outside: show this wizard (a notification's link), or pair the extension. */
  asked?: PanelRequest
}

const STATE_LABEL = { ok: 'ok', failed: 'broken', pinned: 'pinned' } as const

/** Every wizard with its state; the selected one's timeline, failure, diff and actions. */
export function Panel({ list, request, prefs, setPrefs, onClose, onMove, base, root, focus, server, asked }: PanelProps) {
  const rows = list.all
  const [chosen, setSelected] = useState<string | undefined>(() => asked?.wizardId ?? list.focus)
  // Nothing chosen yet (a page opened before its first snapshot arrived): whatever the store would open on.
  const selected = chosen ?? list.focus
  const [history, setHistory] = useState<WizardHistoryEntry[] | undefined>(undefined)
  const [diff, setDiff] = useState<WizardDiff | undefined>(undefined)
  const [notice, setNotice] = useState<{ error: boolean; text: string } | undefined>(undefined)
  const heading = useRef<HTMLHeadingElement>(null)
  const details = useRef<HTMLDivElement>(null)
  const row: WizardRow | undefined = selected ? list.get(selected) : undefined

  useEffect(() => void (focus && heading.current?.focus()), [])
  useEffect(() => void (asked?.wizardId && select(asked.wizardId)), [asked?.seq])
  // A diff shows at the top of the scrolling part; bring it into view from wherever its button was.
  useEffect(() => void (diff && details.current?.scrollTo?.({ top: 0 })), [diff])
  // The timeline follows the selected wizard: fetched when it changes, again after each of its events.
  const revision = row ? `${row.wizardId}|${row.version}|${row.state}|${row.failure?.timestamp ?? ''}` : ''
  useEffect(() => {
    // A diff shown before the wizard moved on (a reload, a rollback) is about versions it left: it goes.
    setDiff(undefined)
    if (!row) return setHistory(undefined)
    let current = true
    request({ type: 'history', wizardId: row.wizardId }).then(
      (entries) => current && setHistory(entries),
      (error: Error) => current && setNotice({ error: true, text: error.message }),
    )
    return () => {
      current = false
    }
  }, [revision])

  const act = (work: () => Promise<string>) => {
    setNotice(undefined)
    work().then(
      (text) => setNotice({ error: false, text }),
      (error: Error) => setNotice({ error: true, text: error.message }),
    )
  }
  const select = (wizardId: string) => {
    setSelected(wizardId)
    setDiff(undefined)
    setNotice(undefined)
  }

  return (
    <section class="panel" role="dialog" aria-modal="false" aria-labelledby="wizard-panel-title">
      <header>
        <h2 id="wizard-panel-title" tabIndex={-1} ref={heading}>
          Wizards <span class="muted">({rows.length})</span>
        </h2>
        <button type="button" class="icon-button" title="Move to the next corner" aria-label="Move the panel to the next corner" onClick={onMove}>
          ⤢
        </button>
        <button type="button" class="icon-button" title="Close (Escape)" aria-label="Close the wizard panel" onClick={onClose}>
          ×
        </button>
      </header>
      <ul class="wizard-list" aria-label="Wizards">
        {rows.map((item) => (
          <li key={item.wizardId}>
            <button
              type="button"
              class={`wizard ${item.state}`}
              aria-current={item.wizardId === selected ? 'true' : undefined}
              data-wizard-id={item.wizardId}
              onClick={() => select(item.wizardId)}
            >
              <span class="dot" aria-hidden="true" />
              <span class="id">{item.wizardId}</span>
              <span class="meta">
                {item.version !== null ? `v${item.version} · ` : ''}
                {STATE_LABEL[item.state]}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {row && (
        <div class="selected" data-wizard-id={row.wizardId}>
          <div class="actions">
            <button
              type="button"
              onClick={() => act(async () => `${row.wizardId} is back at v${(await request({ type: 'undo', wizardId: row.wizardId })).version}`)}
            >
              Undo
            </button>
            <button
              type="button"
              onClick={() => act(async () => `${row.wizardId} reloaded: v${(await request({ type: 'retry', wizardId: row.wizardId })).version}`)}
            >
              Retry
            </button>
          </div>
          {row.state === 'pinned' && <p class="note pinned-note">Rolled back to v{row.version} — the file on disk is newer; its next save reloads it.</p>}
          {/* Outside the scrolling part, so the outcome of a click far down the timeline is seen. */}
          {notice && (
            <p class={notice.error ? 'notice error' : 'notice'} role={notice.error ? 'alert' : 'status'}>
              {notice.text}
            </p>
          )}
        </div>
      )}
      {row && (
        <div class="details" data-wizard-id={row.wizardId} ref={details}>
          {row.failure && (
            <div class="failure">
              <FailureDetails payload={row.failure} base={base} root={root} shared={false} />
            </div>
          )}
          {diff && <DiffView diff={diff} />}
          {history ? (
            <Timeline
              entries={history}
              current={row.version}
              actions={{
                rollback: (version) =>
                  act(async () => `${row.wizardId} rolled back to v${(await request({ type: 'rollback', wizardId: row.wizardId, version })).version}`),
                diff: (from, to) =>
                  act(async () => {
                    setDiff(await request({ type: 'diff', wizardId: row.wizardId, from, to }))
                    return `v${from} → v${to}`
                  }),
              }}
            />
          ) : (
            <p class="muted">Loading the history…</p>
          )}
        </div>
      )}
      <footer>
        <ExtensionConnect request={request} server={server} auto={asked?.connectExtension ? asked.seq : undefined} />
        <label>
          <input
            type="checkbox"
            checked={prefs.notify}
            onChange={async (event) => {
              const wanted = (event.currentTarget as HTMLInputElement).checked
              setPrefs({ notify: wanted && (await allowNotifications()) })
            }}
          />{' '}
          Notify when this tab is hidden
        </label>
        {prefs.notify && (
          <label>
            <input
              type="checkbox"
              checked={prefs.notifySuccess}
              onChange={(event) => setPrefs({ notifySuccess: (event.currentTarget as HTMLInputElement).checked })}
            />{' '}
            successes too
          </label>
        )}
      </footer>
    </section>
  )
}
