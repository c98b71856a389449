import { banner } from './shared/format.ts'

export class DigestWizard {
  static title = 'Daily digest'

  run(): string {
    return banner('2 deploys, 0 rollbacks')
  }
}
