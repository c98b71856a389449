// A backend process for the benchmark: plain Node running the built backend entry. Each register
// call is reported to the parent with an epoch timestamp (performance.timeOrigin + now: the
// same clock in both processes on one machine).
import { pathToFileURL } from 'node:url'

const { connectWizardHotReload } = await import(pathToFileURL(process.env.BACKEND_ENTRY).href)
await connectWizardHotReload({
  server: process.env.DEV_SERVER,
  name: 'bench-backend',
  root: process.env.BACKEND_ROOT,
  logger: false,
  register(wizardId, WizardClass) {
    process.send({ wizardId, version: WizardClass.version, at: performance.timeOrigin + performance.now() })
    return true
  },
})
process.send({ ready: true })
process.on('message', (message) => message === 'exit' && process.exit(0))
