/**
 * A multi-step wizard whose sessions stay alive on the server between requests (the registry keeps
 * them). `static hotReload = 'patch'`: a save defines the changed steps onto the running class, so a
 * session half-way through continues with the new code and keeps its answers — try fixing step 2.
 */
export class OnboardingWizard {
  static title = 'Onboarding (sessions survive edits)'
  static hotReload = 'patch' as const

  answers: string[] = []

  run(): string {
    return 'a three-step onboarding: start a session below'
  }

  /** What the session asks now. */
  prompt(): string {
    if (this.answers.length === 0) return 'Step 1 — your name?'
    if (this.answers.length === 1) return 'Step 2 — your team?'
    return `Done: ${this.answers.join(', ')}`
  }

  /** Takes the answer to the current step; an answer a step rejects leaves the session where it is. */
  answer(text: string): string {
    if (this.answers.length === 0) return this.step1(text)
    if (this.answers.length === 1) return this.step2(text)
    return this.prompt()
  }

  step1(name: string): string {
    if (name.trim() === '') return 'A name, please. Step 1 — your name?'
    this.answers.push(name.trim())
    return this.prompt()
  }

  step2(team: string): string {
    // A bug to fix while a session waits here: team names are words, not e-mail addresses.
    if (!team.includes('@')) return `"${team}" is not a team. Step 2 — your team?`
    this.answers.push(team.trim())
    return this.prompt()
  }
}
