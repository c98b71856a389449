import { useState } from 'preact/hooks'
import type { WizardRequestInput } from '../../client/requests.ts'
import type { WizardActionDone } from '../../client/protocol.ts'
import { ask } from '../messages.ts'
import { whereOf, type ServerView, type WizardView } from '../servers/server-view.ts'

const STATE_LABEL = { ok: 'ok', failed: 'broken', pinned: 'pinned' } as const
const LINK_LABEL = { connecting: 'connecting…', connected: '', unreachable: 'unreachable', refused: 'refused' } as const

/** One paired dev server: its link, its wizards with Retry / Undo (the panel's requests, over the extension's link). */
export function ServerCard({ view }: { view: ServerView }) {
  const [notice, setNotice] = useState<{ error: boolean; text: string } | undefined>(undefined)
  const host = new URL(view.server).host
  const act = async (request: WizardRequestInput, done: (result: WizardActionDone) => string) => {
    setNotice(undefined)
    const answer = await ask({ type: 'request', server: view.server, request })
    setNotice(answer.ok ? { error: false, text: done(answer.result as WizardActionDone) } : { error: true, text: answer.error })
  }
  const connected = view.link.state === 'connected'
  return (
    <section class={`server${connected ? '' : ' stale'}`} data-server={view.server} data-link={view.link.state}>
      <header>
        <span class="dot" aria-hidden="true" />
        <span class="name">{view.project ?? host}</span>
        <span class="host">{view.project ? host : ''}</span>
        <button type="button" title="Open the app with the wizard panel" onClick={() => void ask({ type: 'open-app', server: view.server })}>
          Open
        </button>
        <button
          type="button"
          title="Forget this dev server (it forgets the pairing too)"
          onClick={() => void ask({ type: 'forget', server: view.server })}
          aria-label={`Forget ${host}`}
        >
          ×
        </button>
      </header>
      {!connected && (
        <p class="link-state" role="status">
          {LINK_LABEL[view.link.state]}
          {view.link.detail ? ` — ${view.link.detail}` : ''}
          {view.wizards.length > 0 ? ' (wizards as last heard)' : ''}
        </p>
      )}
      <ul class="wizards" aria-label={`Wizards of ${host}`}>
        {view.wizards.map((wizard) => (
          <WizardLine key={wizard.wizardId} wizard={wizard} root={view.root} disabled={!connected} act={act} />
        ))}
      </ul>
      {notice && (
        <p class={notice.error ? 'notice error' : 'notice ok'} role={notice.error ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
    </section>
  )
}

function WizardLine({
  wizard,
  root,
  disabled,
  act,
}: {
  wizard: WizardView
  root: string | null
  disabled: boolean
  act: (request: WizardRequestInput, done: (result: WizardActionDone) => string) => Promise<void>
}) {
  const { wizardId } = wizard
  return (
    <li class={`wizard ${wizard.state}`} data-wizard-id={wizardId} data-state={wizard.state}>
      <div class="line">
        <span class="dot" aria-hidden="true" />
        <span class="id">{wizardId}</span>
        <span class="meta">
          {wizard.version !== null ? `v${wizard.version} · ` : ''}
          {STATE_LABEL[wizard.state]}
        </span>
        <button type="button" disabled={disabled} onClick={() => void act({ type: 'retry', wizardId }, (done) => `${wizardId} reloaded: v${done.version}`)}>
          Retry
        </button>
        <button type="button" disabled={disabled} onClick={() => void act({ type: 'undo', wizardId }, (done) => `${wizardId} is back at v${done.version}`)}>
          Undo
        </button>
      </div>
      {wizard.failure && (
        <p class="failure">
          {wizard.failure.kind} · {whereOf(wizard.failure.loc, wizard.file, root)} — {wizard.failure.message.split('\n', 1)[0]}
        </p>
      )}
    </li>
  )
}
