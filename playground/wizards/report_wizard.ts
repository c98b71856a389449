import { banner } from './shared/format.ts'

export class ReportWizard {
  static title = 'Weekly report'

  run(): string {
    return banner('3 reviews, 1 incident')
  }
}
