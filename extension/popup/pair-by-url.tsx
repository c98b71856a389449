import { useEffect, useState } from 'preact/hooks'
import { ask } from '../messages.ts'
import { hostPattern, httpOrigin, isLoopback } from '../pairing/hosts.ts'

/**
 * Pairing from the popup: the dev server's URL (the active tab's, when it is one not paired yet). A host
 * that is not loopback is asked for here (Chrome grants optional hosts only from a click); then the
 * extension opens that page, whose panel hands over the offer.
 */
export function PairByUrl({ paired }: { paired: ReadonlySet<string> }) {
  const [url, setUrl] = useState('')
  const [notice, setNotice] = useState<{ error: boolean; text: string } | undefined>(undefined)
  useEffect(() => {
    void chrome.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      const origin = httpOrigin(tab?.url)
      if (origin && !paired.has(origin)) setUrl(tab!.url!.split('#', 1)[0])
    })
  }, [])
  const pair = async (event: Event) => {
    event.preventDefault()
    const origin = httpOrigin(url.trim())
    if (!origin) return setNotice({ error: true, text: 'An http:// or https:// URL of a page of the dev server, please.' })
    // First thing in the click: the permission prompt needs the click's user activation.
    if (!isLoopback(origin) && !(await chrome.permissions.request({ origins: [hostPattern(origin)] }))) {
      return setNotice({ error: true, text: `Not allowed on ${new URL(origin).host}: the extension contacts only hosts you allow.` })
    }
    const answer = await ask({ type: 'pair-by-url', url: url.trim() })
    setNotice(answer.ok ? { error: false, text: 'Opened the page: its panel pairs it.' } : { error: true, text: answer.error })
  }
  return (
    <form class="pair" onSubmit={pair}>
      <label for="pair-url">Pair a dev server by its URL</label>
      <input
        id="pair-url"
        type="url"
        placeholder="http://localhost:5173/"
        value={url}
        onInput={(event) => setUrl((event.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit">Pair</button>
      {notice && <p class={notice.error ? 'notice error' : 'notice ok'}>{notice.text}</p>}
    </form>
  )
}
