export class DebugWizard {
  run(): string {
    return 'v1'
  }
}
