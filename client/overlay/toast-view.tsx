import { useEffect } from 'preact/hooks'
import type { WizardFailedPayload, WizardReloadedPayload } from '../protocol.ts'
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
  useEffect(() => {
    if (toast.sticky) return
    const timer = setTimeout(() => onDismiss(toast.key), successTimeout)
    return () => clearTimeout(timer)
  }, [toast.key, toast.sticky, successTimeout])

  const failed = toast.type === 'failed'
  const shared = toast.wizardIds.length > 1
  return (
    <div
      class={`toast ${toast.type}`}
      role={failed ? 'alert' : 'status'}
      aria-live={failed ? 'assertive' : 'polite'}
      aria-atomic="true"
      data-wizard-id={toast.wizardId}
      data-wizard-ids={toast.wizardIds.join(' ')}
      data-toast={toast.type}
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
          <span class="id">{shared ? `${toast.wizardIds.length} wizards` : toast.wizardId}</span> {toast.type === 'reloaded' ? 'reloaded' : failed ? 'failed to reload' : 'removed'}
        </span>
        {toast.count > 1 && <span class="badge" title={`${toast.count} times`}>×{toast.count}</span>}
        {toast.type === 'reloaded' && <ReloadedMeta payload={toast.payload as WizardReloadedPayload} />}
        {failed && <span class="kind">{(toast.payload as WizardFailedPayload).error.kind}</span>}
        <button type="button" class="dismiss" aria-label={`Dismiss ${toast.wizardIds.join(', ')} notification`} onClick={() => onDismiss(toast.key)}>
          ×
        </button>
      </div>
      {shared && <p class="ids">{toast.wizardIds.join(', ')} — all import the module below</p>}
      {failed && <FailureDetails payload={toast.payload as WizardFailedPayload} base={base} root={root} shared={shared} />}
    </div>
  )
}

function ReloadedMeta({ payload }: { payload: WizardReloadedPayload }) {
  return (
    <span class="meta">
      {formatMs(payload.durationMs)} · reload #{payload.reloadCount}
    </span>
  )
}

function FailureDetails({ payload, base, root, shared }: { payload: WizardFailedPayload; base: string; root: string; shared: boolean }) {
  const { error } = payload
  const loc = error.loc
  const where = loc ? `${relativePath(loc.file, root)}:${loc.line}:${loc.column}` : undefined
  const editorUrl = loc ? `${base}__open-in-editor?file=${encodeURIComponent(`${loc.file}:${loc.line}:${loc.column}`)}` : undefined
  return (
    <>
      <p class="message">{error.message}</p>
      {where && (
        <a
          class="loc"
          href={editorUrl}
          title="Open in editor"
          onClick={(event) => {
            event.preventDefault()
            void fetch(editorUrl!)
          }}
        >
          {where}
        </a>
      )}
      {error.frame && (
        <pre class="frame" aria-label="Code frame">
          {error.frame.split('\n').map((line, index) => (
            <span key={index} class={line.startsWith('>') ? 'hl' : /^\s*\|\s*\^\s*$/.test(line) ? 'caret' : undefined}>
              {line}
            </span>
          ))}
        </pre>
      )}
      {payload.keptPreviousVersion && <div class="note">{shared ? 'Their previous versions keep serving.' : 'The previous version keeps serving.'}</div>}
    </>
  )
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`
}

function relativePath(file: string, root: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`
  return root && file.startsWith(prefix) ? file.slice(prefix.length) : file
}
