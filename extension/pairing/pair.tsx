import '../palette-style.ts'
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ask, SESSION_KEYS } from '../messages.ts'
import { hostPattern, isLoopback } from './hosts.ts'
import type { Candidate } from './pairing-flow.ts'

/**
 * The extension's own page that asks the user before it pairs with a dev server a page offered: any
 * loopback page can post an offer, so the extension contacts no server the user did not confirm here.
 */
function Pair({ candidateKey }: { candidateKey: string }) {
  const [candidate, setCandidate] = useState<Candidate | null | undefined>(undefined)
  const [outcome, setOutcome] = useState<{ error: boolean; text: string } | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const name = SESSION_KEYS.candidate(candidateKey)
    void chrome.storage.session.get(name).then((stored) => setCandidate((stored[name] as Candidate | undefined) ?? null))
  }, [])
  if (candidate === undefined) return null
  if (candidate === null)
    return <p class="notice error">This pairing request is gone (it lasts 2 minutes). Click “Connect the browser extension” in the panel again.</p>
  const { server } = candidate.offer
  const host = new URL(server).host
  const pair = async () => {
    setBusy(true)
    // First thing in the click: the permission prompt needs the click's user activation.
    if (!isLoopback(server) && !(await chrome.permissions.request({ origins: [hostPattern(server)] }))) {
      setBusy(false)
      return setOutcome({ error: true, text: `Not paired: the extension may not contact ${host}.` })
    }
    const answer = await ask({ type: 'confirm-pairing', key: candidateKey })
    setOutcome(answer.ok ? { error: false, text: `Paired with ${host}. This tab closes itself.` } : { error: true, text: answer.error })
    if (answer.ok) setTimeout(() => window.close(), 1500)
  }
  const cancel = async () => {
    await ask({ type: 'cancel-pairing', key: candidateKey })
    window.close()
  }
  return (
    <main>
      <h1>Pair with the dev server at {host}?</h1>
      <p>
        The page <code>{candidate.appUrl}</code> asks to connect this browser’s Wizard hot reload extension to its dev server, <strong>{server}</strong>.
      </p>
      <p class="muted">
        Paired, the extension connects to it (it contacts paired dev servers only), counts its failing wizards on the toolbar, notifies you of failures and
        recoveries while its tab is not in front, and can retry or undo a wizard. Forget it any time from the popup.
      </p>
      {!isLoopback(server) && <p class="muted">{host} is not this machine: the browser asks you to allow the extension there.</p>}
      <div class="buttons">
        <button type="button" class="primary" disabled={busy || outcome?.error === false} onClick={() => void pair()}>
          Pair
        </button>
        {/* Focus on Cancel: a key the opening page times (Enter, Space) must not be what pairs. */}
        <button type="button" disabled={busy} onClick={() => void cancel()} autoFocus>
          Cancel
        </button>
      </div>
      {outcome && (
        <p class={outcome.error ? 'notice error' : 'notice ok'} role={outcome.error ? 'alert' : 'status'}>
          {outcome.text}
        </p>
      )}
    </main>
  )
}

render(<Pair candidateKey={location.hash.slice(1)} />, document.getElementById('pair')!)
