import { prepareFrameworks } from './frameworks/setup.ts'

/** Once per e2e run: the framework matrix's workspace (installed when its lockfile changed) with this build in it. */
export default function globalSetup(): void {
  prepareFrameworks()
}
