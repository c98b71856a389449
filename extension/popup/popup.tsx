import '../palette-style.ts'
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ask, SESSION_KEYS } from '../messages.ts'
import type { ServerView } from '../servers/server-view.ts'
import { PairByUrl } from './pair-by-url.tsx'
import { ServerCard } from './server-card.tsx'

/**
 * The toolbar popup: every paired dev server with its wizards (what the service worker keeps in
 * session storage, live), Retry / Undo for each, and pairing by URL.
 */
function Popup() {
  const [views, setViews] = useState<ServerView[] | undefined>(undefined)
  useEffect(() => {
    const read = (value: unknown) => setViews(Array.isArray(value) ? (value as ServerView[]) : [])
    void chrome.storage.session.get(SESSION_KEYS.views).then((stored) => read(stored[SESSION_KEYS.views]))
    const changed = (changes: Record<string, chrome.storage.StorageChange>, area: string) => {
      if (area === 'session' && SESSION_KEYS.views in changes) read(changes[SESSION_KEYS.views].newValue)
    }
    chrome.storage.onChanged.addListener(changed)
    // Opening the popup is a good moment to reconnect what is not connected (after a sleep, say).
    void ask({ type: 'wake' })
    return () => chrome.storage.onChanged.removeListener(changed)
  }, [])
  return (
    <main>
      <div class="top">
        <img src="../icons/icon-32.png" width="20" height="20" alt="" />
        <h1>Wizard hot reload</h1>
      </div>
      {views?.length === 0 && (
        <p class="muted empty">
          No dev server paired yet. In a dev server's page, open the wizard panel (Alt+Shift+W) and click “Connect the browser extension” — or pair one by its
          URL below.
        </p>
      )}
      {views?.map((view) => (
        <ServerCard key={view.server} view={view} />
      ))}
      <PairByUrl paired={new Set(views?.map((view) => view.server))} />
    </main>
  )
}

render(<Popup />, document.getElementById('popup')!)
