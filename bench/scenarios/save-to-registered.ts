// Save → new class registered, measured in-process: the clock starts right before writeFileSync and
// stops inside the register callback. Prints { wizards, delay, samples, initialLoadMs, startupMs }.
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'
import { startWizardServer } from '../lib/wizard-server.ts'

const options = args()
const count = Number(options.get('wizards') ?? 10)
const delay = Number(options.get('delay') ?? 0)
const runs = Number(options.get('runs') ?? 30)
const warmup = 5

const project = createBenchProject(count)
const wizard = await startWizardServer(project.root, delay)
const samples: number[] = []
try {
  for (let run = 0; run < warmup + runs; run++) {
    // Spread edits over the wizards, as a developer moving between files would.
    const index = (run * 7919) % count
    const version = `r${run}`
    const registered = wizard.waiter.next(wizardName(index).toLowerCase(), version)
    const started = performance.now()
    project.writeWizard(index, version)
    const at = await registered
    if (run >= warmup) samples.push(at - started)
    // Let chokidar's trailing check and the watcher settle so runs do not overlap.
    await wizard.api.idle()
    await new Promise((resolve) => setTimeout(resolve, 80))
  }
  emit({ wizards: count, delay, samples, initialLoadMs: wizard.initialLoadMs, startupMs: wizard.startupMs })
} finally {
  await wizard.close()
  project.remove()
}
