import { useState } from 'preact/hooks'

/**
 * A session of the onboarding wizard, kept on the server between answers. Its class reloads in
 * patch mode: fix a step while the session waits there, answer again, and it goes on with the new
 * code and the answers it had.
 */
export function SessionPanel() {
  const [session, setSession] = useState<string | undefined>()
  const [prompt, setPrompt] = useState('')
  const [answers, setAnswers] = useState<string[]>([])
  const [text, setText] = useState('')

  const start = async () => {
    const response = await fetch('/api/wizards/onboarding/sessions', { method: 'POST' })
    const data = (await response.json()) as { session: string; prompt: string }
    setSession(data.session)
    setPrompt(data.prompt)
    setAnswers([])
  }
  const answer = async (event: Event) => {
    event.preventDefault()
    if (!session) return
    const response = await fetch(`/api/wizards/onboarding/sessions/${session}?answer=${encodeURIComponent(text)}`, { method: 'POST' })
    const data = (await response.json()) as { prompt: string; answers: string[] }
    setPrompt(data.prompt)
    setAnswers(data.answers)
    setText('')
  }

  return (
    <section class="session" aria-label="An onboarding session">
      <h2>A session in progress</h2>
      <p class="hint">
        Start a session, answer step 1, then try step 2: it rejects every team. Fix <code>step2</code> in <code>playground/wizards/onboarding_wizard.ts</code>{' '}
        and answer again — the same session goes on.
      </p>
      <button type="button" onClick={() => void start()}>
        {session ? 'Start over' : 'Start a session'}
      </button>
      {session && (
        <form onSubmit={(event) => void answer(event)}>
          <label>
            <span data-testid="session-prompt">{prompt}</span>
            <input value={text} onInput={(event) => setText((event.target as HTMLInputElement).value)} data-testid="session-answer" />
          </label>
          <button type="submit">Answer</button>
          <p data-testid="session-answers">answers so far: {answers.length ? answers.join(', ') : 'none'}</p>
        </form>
      )}
    </section>
  )
}
