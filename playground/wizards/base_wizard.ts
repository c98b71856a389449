// A base class: never registered itself (Base… names are skipped), but its subclasses are.
export abstract class BaseWizard {
  static title = 'Base'
  abstract steps(): string[]

  run(): string {
    return this.steps().join(' → ')
  }
}
