import { BaseWizard } from './base_wizard.ts'

export class CodeReviewWizard extends BaseWizard {
  static title = 'Code review'

  steps(): string[] {
    return ['read diff', 'run tests', 'comment']
  }
}
