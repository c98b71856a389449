import { useCallback, useEffect, useState } from 'preact/hooks'
import { onWizardFailed, onWizardReloaded, onWizardRemoved } from 'vite-plugin-wizard-hot-reload/client'

interface WizardRow {
  id: string
  title: string
  version: number
  output: string
}

export function App() {
  const [wizards, setWizards] = useState<WizardRow[]>([])
  const [runs, setRuns] = useState<Record<string, string>>({})
  const [lastEvent, setLastEvent] = useState('waiting for a wizard to change…')
  const [failureCallbacks, setFailureCallbacks] = useState(0)

  const refresh = useCallback(async () => {
    const response = await fetch('/api/wizards')
    const data = (await response.json()) as { wizards: WizardRow[] }
    setWizards(data.wizards)
  }, [])

  useEffect(() => {
    void refresh()
    // Refresh the list whenever a wizard changes: no page reload.
    const stops = [
      onWizardReloaded(({ wizardId, durationMs }) => {
        setLastEvent(`${wizardId} reloaded in ${durationMs} ms`)
        void refresh()
      }),
      onWizardRemoved(({ wizardId }) => {
        setLastEvent(`${wizardId} removed`)
        void refresh()
      }),
      onWizardFailed(({ wizardId, error }) => {
        setFailureCallbacks((count) => count + 1)
        setLastEvent(`${wizardId} failed (${error.kind}); the previous version keeps serving`)
      }),
    ]
    return () => stops.forEach((stop) => stop())
  }, [refresh])

  const run = async (id: string) => {
    const response = await fetch(`/api/wizards/${id}/run`, { method: 'POST' })
    const data = (await response.json()) as { output?: string; error?: string }
    setRuns((current) => ({ ...current, [id]: data.output ?? `error: ${data.error}` }))
  }

  return (
    <main>
      <h1>Wizards</h1>
      <p class="hint">
        Edit a file in <code>playground/wizards/</code> and watch this list and the toast.
      </p>
      <p class="event" data-testid="last-event" data-failure-callbacks={failureCallbacks}>
        {lastEvent}
      </p>
      <ul class="wizards">
        {wizards.map((wizard) => (
          <li key={wizard.id} data-wizard={wizard.id}>
            <div class="row">
              <strong>{wizard.title}</strong> <code>{wizard.id}</code>{' '}
              <span class="version" data-testid={`version-${wizard.id}`}>
                v{wizard.version}
              </span>
              <button type="button" onClick={() => void run(wizard.id)}>
                Run
              </button>
            </div>
            <output data-testid={`output-${wizard.id}`}>{wizard.output}</output>
            {runs[wizard.id] !== undefined && <div class="run" data-testid={`run-${wizard.id}`}>last run: {runs[wizard.id]}</div>}
          </li>
        ))}
      </ul>
    </main>
  )
}
