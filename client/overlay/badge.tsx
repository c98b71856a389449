import { useEffect, useRef } from 'preact/hooks'
import type { WizardStore } from '../wizard-store.ts'

/** The collapsed corner badge: how many wizards, and at a glance whether all are fine. */
export function Badge({ list, onOpen, focus }: { list: WizardStore; onOpen: () => void; focus?: boolean }) {
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => void (focus && button.current?.focus()), [])
  const { total, failed, pinned } = list.counts
  const state = failed > 0 ? 'failed' : pinned > 0 ? 'pinned' : 'ok'
  const detail = [failed > 0 && `${failed} broken`, pinned > 0 && `${pinned} pinned`].filter(Boolean).join(', ')
  // A rolled-back wizard says so with the panel closed too.
  const rolledBack = list.all.filter((row) => row.state === 'pinned').map((row) => `${row.wizardId} rolled back to v${row.version} — the file on disk is newer`)
  const label = `${total} wizard${total === 1 ? '' : 's'}${detail ? `, ${detail}` : ', all fine'}${rolledBack.length ? ` (${rolledBack.join('; ')})` : ''}`
  return (
    <button
      ref={button}
      type="button"
      class={`wbadge ${state}`}
      data-state={state}
      aria-expanded="false"
      aria-haspopup="dialog"
      title={`${label} — open the panel (Alt+Shift+W)`}
      aria-label={`${label}. Open the wizard panel`}
      onClick={onOpen}
    >
      <span class="dot" aria-hidden="true" />
      <span class="count">{total}</span>
      {detail && <span class="detail">{detail}</span>}
    </button>
  )
}
