import { useEffect, useState } from 'preact/hooks'
import type { Request } from '../requests.ts'
import { extensionPresent, offerToExtension, onExtensionMessage } from './extension-bridge.ts'

export const EXTENSION_MISSING =
  'The browser extension does not answer on this page: install it (npx wizard-hot-reload extension prints its folder; load it unpacked from chrome://extensions). ' +
  "On a host other than localhost or 127.0.0.1, pair from the extension's popup with this page's URL."

interface Notice {
  tone: 'info' | 'ok' | 'error'
  text: string
}

/**
 * "Connect the browser extension": asks the dev server for a one-time pairing offer (this page is one
 * of its own, so it may) and hands it to the extension's bridge; the extension confirms with the user
 * and pairs, and tells this page how it went. `auto` (a request's number) starts it unasked: the
 * extension's popup opened this page to pair.
 */
export function ExtensionConnect({ request, server, auto }: { request: Request; server: string; auto?: number }) {
  const [notice, setNotice] = useState<Notice | undefined>(undefined)
  useEffect(
    () =>
      onExtensionMessage((message) => {
        if (message.type !== 'pairing') return
        setNotice({ tone: message.state === 'paired' ? 'ok' : message.state === 'failed' ? 'error' : 'info', text: message.message })
      }),
    [],
  )
  const connect = async () => {
    setNotice({ tone: 'info', text: 'Looking for the extension…' })
    if (!(await extensionPresent())) return setNotice({ tone: 'error', text: EXTENSION_MISSING })
    try {
      offerToExtension({ ...(await request({ type: 'extension-offer' })), server })
      setNotice({ tone: 'info', text: 'Handed to the extension…' })
    } catch (error) {
      setNotice({ tone: 'error', text: (error as Error).message })
    }
  }
  useEffect(() => void (auto !== undefined && connect()), [auto])
  return (
    <div class="extension-connect">
      <button type="button" onClick={connect}>
        Connect the browser extension
      </button>
      {notice && (
        <p class={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-tone={notice.tone}>
          {notice.text}
        </p>
      )}
    </div>
  )
}
