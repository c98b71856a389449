import { render } from 'preact'
import { wizardHotReload } from 'vite-plugin-wizard-hot-reload/client'
import { App } from './app.tsx'

declare global {
  interface Window {
    wizardHotReload: typeof wizardHotReload
  }
}
// For the browser console: `await wizardHotReload.history('greeting')`, `wizardHotReload.undo('greeting')` …
window.wizardHotReload = wizardHotReload

render(<App />, document.getElementById('app')!)
