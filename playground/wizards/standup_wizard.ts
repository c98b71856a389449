import { z } from 'zod'

/**
 * Its settings live next to it, in standup_wizard.config.yaml: edit and save that file and the
 * same class is registered again with the new settings (no code re-evaluated). A typo or a value
 * the schema rejects shows in the overlay with the YAML's line and code frame, and the previous
 * settings keep serving.
 */
export class StandupWizard {
  static title = 'Stand-up'
  static configSchema = z.object({
    greeting: z.string().default('Good morning'),
    team: z.array(z.string()).min(1),
    timebox: z.number().int().positive().default(15),
  })

  private readonly config: z.output<typeof StandupWizard.configSchema>

  constructor(config: z.output<typeof StandupWizard.configSchema>) {
    this.config = config
  }

  run(): string {
    const { greeting, team, timebox } = this.config
    return `${greeting}, ${team.join(', ')} — ${timebox} min`
  }
}
