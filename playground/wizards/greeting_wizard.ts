export class GreetingWizard {
  static title = 'Greeting'

  run(): string {
    return 'Hello from the greeting wizard'
  }
}
