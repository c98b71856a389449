import { useEffect, useReducer, useRef, useState } from 'preact/hooks'
import type { Request } from '../requests.ts'
import { Badge } from './badge.tsx'
import { Panel } from './panel.tsx'
import type { PanelRequests } from './panel-request.ts'
import type { OverlayPrefs } from './prefs.ts'
import type { Toast, ToastStore } from './toast-store.ts'
import { ToastView } from './toast-view.tsx'
import type { WizardStore } from '../wizard-store.ts'

export interface OverlayProps {
  store: ToastStore
  list: WizardStore
  request: Request
  prefs: { get(): OverlayPrefs; set(change: Partial<OverlayPrefs>): void; subscribe(listener: () => void): () => void }
  onMove: () => void
  successTimeout: number
  base: string
  root: string
  server: string
  asked: PanelRequests
}

export function Overlay({ store, list, request, prefs, onMove, successTimeout, base, root, server, asked }: OverlayProps) {
  const [toasts, setToasts] = useState<readonly Toast[]>(store.current)
  const [, bump] = useReducer((n: number) => n + 1, 0)
  useEffect(() => {
    const refresh = () => bump(undefined)
    const stops = [store.subscribe(setToasts), list.subscribe(refresh), prefs.subscribe(refresh), asked.subscribe(refresh)]
    setToasts(store.current) // events may have arrived between the first render and this effect
    return () => stops.forEach((stop) => stop())
  }, [store, list, prefs, asked])
  const current = prefs.get()
  const stack = useRef<HTMLDivElement>(null)
  const was = useRef({ open: current.open, restored: current.open })
  // Closed with focus inside the panel: focus goes back to the badge. A panel restored open at page load takes no focus.
  const shadow = stack.current?.getRootNode() as ShadowRoot | undefined
  const focusBadge = was.current.open && !current.open && !!shadow?.activeElement
  if (!current.open) was.current.restored = false
  was.current.open = current.open
  return (
    <div class="stack" role="region" aria-label="Wizard hot reload" ref={stack}>
      {/* The open panel shows what the toasts would (and they would cover it); failures wait for it to close. */}
      {!current.open &&
        toasts.map((toast) => (
          <ToastView key={toast.key} toast={toast} successTimeout={successTimeout} base={base} root={root} onDismiss={(key) => store.dismiss(key)} />
        ))}
      {current.open ? (
        <Panel
          focus={!was.current.restored}
          list={list}
          request={request}
          prefs={current}
          setPrefs={(change) => prefs.set(change)}
          onClose={() => prefs.set({ open: false })}
          onMove={onMove}
          base={base}
          root={root}
          server={server}
          asked={asked.get()}
        />
      ) : (
        list.counts.total > 0 && <Badge focus={focusBadge} list={list} onOpen={() => prefs.set({ open: true })} />
      )}
    </div>
  )
}
