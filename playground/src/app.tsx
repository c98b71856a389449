import { useCallback, useEffect, useState } from 'preact/hooks'
import { BackendPanel } from './backend-panel.tsx'
import { SessionPanel } from './session-panel.tsx'
import { onWizardFailed, onWizardReloaded, onWizardRemoved, onWizardRolledBack, wizardActions } from 'vite-plugin-wizard-hot-reload/client'

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
  // Wizards rolled back to a kept version (from the overlay's panel or the Undo buttons below).
  const [pinned, setPinned] = useState<Record<string, number>>({})

  const refresh = useCallback(async () => {
    const response = await fetch('/api/wizards')
    const data = (await response.json()) as { wizards: WizardRow[] }
    setWizards(data.wizards)
  }, [])

  useEffect(() => {
    void refresh()
    // Refresh the list whenever a wizard changes: no page reload.
    const stops = [
      onWizardReloaded(({ wizardId, durationMs, backends }) => {
        setLastEvent(`${wizardId} reloaded in ${durationMs} ms${backends ? ` (and in ${backends.ok}/${backends.total} backends)` : ''}`)
        setPinned((pins) => withoutKey(pins, wizardId))
        void refresh()
      }),
      onWizardRemoved(({ wizardId }) => {
        setLastEvent(`${wizardId} removed`)
        void refresh()
      }),
      onWizardRolledBack(({ wizardId, version, pinned: isPinned }) => {
        setLastEvent(`${wizardId} rolled back to v${version}`)
        setPinned((pins) => (isPinned ? { ...pins, [wizardId]: version } : withoutKey(pins, wizardId)))
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
  // The client helper talks to the dev server over Vite's HMR socket: the page's own controls.
  const undo = (id: string) => wizardActions.undo(id).catch((error: Error) => setLastEvent(error.message))

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
              {pinned[wizard.id] !== undefined && (
                <span class="pinned" data-testid={`pinned-${wizard.id}`}>
                  pinned (the file on disk is newer)
                </span>
              )}
              <button type="button" onClick={() => void run(wizard.id)}>
                Run
              </button>
              <button type="button" onClick={() => void undo(wizard.id)}>
                Undo
              </button>
            </div>
            <output data-testid={`output-${wizard.id}`}>{wizard.output}</output>
            {runs[wizard.id] !== undefined && (
              <div class="run" data-testid={`run-${wizard.id}`}>
                last run: {runs[wizard.id]}
              </div>
            )}
          </li>
        ))}
      </ul>
      <SessionPanel />
      <BackendPanel />
    </main>
  )
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record }
  delete copy[key]
  return copy
}
