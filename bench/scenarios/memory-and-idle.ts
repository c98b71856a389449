// Heap and RSS growth over many reloads (run with --expose-gc), then CPU used while idle.
// Prints { wizards, reloads, heapBeforeMb, heapAfterMb, rssBeforeMb, rssAfterMb, idleSeconds, idleCpuPercent }.
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'
import { startWizardServer } from '../lib/wizard-server.ts'

const options = args()
const count = Number(options.get('wizards') ?? 1000)
const reloads = Number(options.get('reloads') ?? 1000)
const idleSeconds = Number(options.get('idle') ?? 10)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const project = createBenchProject(count)
const wizard = await startWizardServer(project.root, 0)
try {
  // Warm up, so the baseline includes what a running server always has (caches, JIT code).
  for (let run = 0; run < 50; run++) {
    const registered = wizard.waiter.next(wizardName(run % count).toLowerCase(), `warm${run}`)
    project.writeWizard(run % count, `warm${run}`)
    await registered
    await wizard.api.idle()
  }
  await settle()
  const before = process.memoryUsage()
  for (let run = 0; run < reloads; run++) {
    const index = (run * 7919) % count
    const registered = wizard.waiter.next(wizardName(index).toLowerCase(), `m${run}`)
    project.writeWizard(index, `m${run}`)
    await registered
    await wizard.api.idle()
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  await settle()
  const after = process.memoryUsage()

  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000))
  const cpu = process.cpuUsage(cpuStart)
  const wallMs = performance.now() - wallStart
  emit({
    wizards: count,
    reloads,
    heapBeforeMb: mb(before.heapUsed),
    heapAfterMb: mb(after.heapUsed),
    rssBeforeMb: mb(before.rss),
    rssAfterMb: mb(after.rss),
    idleSeconds,
    idleCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100 * 1000) / 1000,
  })
} finally {
  await wizard.close()
  project.remove()
}
