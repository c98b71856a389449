import { useCallback, useEffect, useState } from 'preact/hooks'
import { onWizardReloaded, onWizardRemoved, onWizardRolledBack } from 'vite-plugin-wizard-hot-reload/client'

interface BackendWizards {
  pid: number
  wizards: Array<{ id: string; title: string; version: number; output: string }>
}

/**
 * The API process of `npm run playground:backend` (backend/api.mjs, through Vite's proxy at
 * /backend): a plain Node process whose wizards are hot-reloaded too. Shown only when it runs.
 */
export function BackendPanel() {
  const [backend, setBackend] = useState<BackendWizards | undefined>(undefined)
  const refresh = useCallback(async () => {
    try {
      const response = await fetch('/backend/api/wizards')
      setBackend(response.ok ? ((await response.json()) as BackendWizards) : undefined)
    } catch {
      setBackend(undefined)
    }
  }, [])
  useEffect(() => {
    void refresh()
    const stops = [onWizardReloaded(() => void refresh()), onWizardRemoved(() => void refresh()), onWizardRolledBack(() => void refresh())]
    return () => stops.forEach((stop) => stop())
  }, [refresh])

  if (!backend) return null
  return (
    <section class="backend" data-testid="backend" data-pid={backend.pid}>
      <h2>
        API process <code>pid {backend.pid}</code>
      </h2>
      <p class="hint">A plain Node process connected to the dev server: the same wizards, hot-reloaded into it, no restart.</p>
      <ul class="wizards">
        {backend.wizards.map((wizard) => (
          <li key={wizard.id}>
            <div class="row">
              <strong>{wizard.title}</strong> <code>{wizard.id}</code>{' '}
              <span class="version" data-testid={`backend-version-${wizard.id}`}>
                v{wizard.version}
              </span>
            </div>
            <output data-testid={`backend-output-${wizard.id}`}>{wizard.output}</output>
          </li>
        ))}
      </ul>
    </section>
  )
}
