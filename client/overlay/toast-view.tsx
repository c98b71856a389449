import { useEffect, useState } from 'preact/hooks'
import type { WizardFailedPayload, WizardReloadedPayload } from '../protocol.ts'
import { FailureDetails } from './failure-details.tsx'
import { patchWords } from '../patch-words.ts'
import type { Toast } from './toast-store.ts'

export interface ToastViewProps {
  toast: Toast
  successTimeout: number
  /** Vite's `base`, for `/__open-in-editor`. */
  base: string
  /** The Vite root, to show paths relative to it. */
  root: string
  onDismiss: (key: string) => void
}

export function ToastView({ toast, successTimeout, base, root, onDismiss }: ToastViewProps) {
  // A toast being read (pointer over it) or used (focus in it) stays; its full time starts again after.
  const [hovered, setHovered] = useState(false)
  const [focused, setFocused] = useState(false)
  const held = hovered || focused
  useEffect(() => {
    if (toast.sticky || held) return
    const timer = setTimeout(() => onDismiss(toast.key), successTimeout)
    return () => clearTimeout(timer)
  }, [toast.key, toast.sticky, successTimeout, held])

  const failed = toast.type === 'failed'
  const shared = toast.wizardIds.length > 1
  const backends = toast.type === 'reloaded' ? (toast.payload as WizardReloadedPayload).backends : undefined
  const partial = backends !== undefined && backends.failed.length > 0
  // Patch mode: which members went into the running instances, or why the class was replaced.
  const patched = toast.type === 'reloaded' ? patchWords(toast.payload as WizardReloadedPayload) : undefined
  return (
    <div
      class={`toast ${toast.type}${partial ? ' partial' : ''}`}
      role={failed ? 'alert' : 'status'}
      aria-live={failed ? 'assertive' : 'polite'}
      aria-atomic="true"
      data-wizard-id={toast.wizardId}
      data-wizard-ids={toast.wizardIds.join(' ')}
      data-toast={toast.type}
      onPointerEnter={() => setHovered(true)}
      onPointerLeave={() => setHovered(false)}
      onFocusIn={() => setFocused(true)}
      onFocusOut={(event) => setFocused(event.currentTarget.contains(event.relatedTarget as Node | null))}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation()
          onDismiss(toast.key)
        }
      }}
    >
      <div class="head">
        <span class="icon" aria-hidden="true">
          {toast.type === 'reloaded' ? '✓' : failed ? '✗' : '−'}
        </span>
        <span class="title">
          <span class="id">{shared ? `${toast.wizardIds.length} wizards` : toast.wizardId}</span>{' '}
          {toast.type === 'reloaded'
            ? `${reloadedWord(toast.payload as WizardReloadedPayload)}${backends ? ` in ${backends.ok}/${backends.total} backends` : ''}`
            : failed
              ? 'failed to reload'
              : 'removed'}
        </span>
        {toast.count > 1 && (
          <span class="badge" title={`${toast.count} times`}>
            ×{toast.count}
          </span>
        )}
        {toast.type === 'reloaded' && <ReloadedMeta payload={toast.payload as WizardReloadedPayload} />}
        {failed && <span class="kind">{(toast.payload as WizardFailedPayload).error.kind}</span>}
        <button type="button" class="dismiss" aria-label={`Dismiss ${toast.wizardIds.join(', ')} notification`} onClick={() => onDismiss(toast.key)}>
          ×
        </button>
      </div>
      {shared && <p class="ids">{toast.wizardIds.join(', ')} — all import the module below</p>}
      {patched && <p class={`patched${(toast.payload as WizardReloadedPayload).fallback ? ' fallback' : ''}`}>{patched}</p>}
      {failed && <FailureDetails payload={toast.payload as WizardFailedPayload} base={base} root={root} shared={shared} />}
      {partial && (
        <ul class="backend-failures">
          {backends.failed.map(({ name, error }) => (
            <li key={name}>
              <b>{name}</b>: {error.message}
            </li>
          ))}
          <li class="note">
            {backends.failed.length === 1 ? 'Its' : 'Their'} previous version keeps serving there;{' '}
            {backends.ok === 0 ? 'no backend has the new one.' : `the other${backends.ok === 1 ? ' has' : 's have'} the new one.`}
          </li>
        </ul>
      )}
    </div>
  )
}

function ReloadedMeta({ payload }: { payload: WizardReloadedPayload }) {
  const backends = payload.backends
  const range =
    backends && backends.minMs !== null
      ? backends.minMs === backends.maxMs
        ? formatMs(backends.minMs)
        : `${formatMs(backends.minMs).replace(' ms', '')}–${formatMs(backends.maxMs!)}`
      : undefined
  return (
    <span class="meta">
      {range ? `(${range}) · ` : `${formatMs(payload.durationMs)} · `}reload #{payload.reloadCount}
    </span>
  )
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

function reloadedWord({ added, reason, patched }: WizardReloadedPayload): string {
  return patched?.noCodeChange ? 'saved' : added ? 'added' : reason === 'config' ? 'config reloaded' : 'reloaded'
}
