import { useEffect, useState } from 'preact/hooks'
import type { Toast, ToastStore } from './toast-store.ts'
import { ToastView } from './toast-view.tsx'

export interface OverlayProps {
  store: ToastStore
  successTimeout: number
  base: string
  root: string
}

export function Overlay({ store, successTimeout, base, root }: OverlayProps) {
  const [toasts, setToasts] = useState<readonly Toast[]>(store.current)
  useEffect(() => {
    const unsubscribe = store.subscribe(setToasts)
    setToasts(store.current) // events may have arrived between the first render and this effect
    return unsubscribe
  }, [store])
  return (
    <div class="stack" role="region" aria-label="Wizard hot reload notifications">
      {toasts.map((toast) => (
        <ToastView key={toast.key} toast={toast} successTimeout={successTimeout} base={base} root={root} onDismiss={(key) => store.dismiss(key)} />
      ))}
    </div>
  )
}
