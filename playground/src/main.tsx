import { render } from 'preact'
import { wizardActions } from 'vite-plugin-wizard-hot-reload/client'
import { App } from './app.tsx'

declare global {
  interface Window {
    wizardActions: typeof wizardActions
  }
}
// For the browser console: `await wizardActions.history('greeting')`, `wizardActions.undo('greeting')` …
window.wizardActions = wizardActions

render(<App />, document.getElementById('app')!)
