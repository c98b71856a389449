// Save → new class registered in a separate backend process (connectWizardHotReload), next to the
// dev server's own registration of the same save, in one run. The clock starts right before
// writeFileSync; the backend reports its register call with an epoch timestamp over IPC.
// Prints { wizards, backend, inProcess } (sample arrays, ms).
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'
import { startWizardServer } from '../lib/wizard-server.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const options = args()
const count = Number(options.get('wizards') ?? 10)
const runs = Number(options.get('runs') ?? 30)
const warmup = 5
const epoch = () => performance.timeOrigin + performance.now()

const project = createBenchProject(count)
const wizard = await startWizardServer(project.root, 0, true)
const address = wizard.server.httpServer!.address() as { port: number }
const child = fork(path.join(here, '../lib/backend-child.mjs'), [], {
  env: {
    ...process.env,
    BACKEND_ENTRY: path.resolve(here, '../../dist/plugin/backend.js'),
    DEV_SERVER: `http://127.0.0.1:${address.port}`,
    BACKEND_ROOT: project.root,
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const waiting = new Map<string, (at: number) => void>()
child.on('message', (message: { wizardId?: string; version?: string; at?: number; ready?: boolean }) => {
  const key = `${message.wizardId}@${message.version}`
  waiting.get(key)?.(message.at!)
  waiting.delete(key)
})
await new Promise<void>((resolve) => child.on('message', (message: { ready?: boolean }) => message.ready && resolve()))

const samples = { backend: [] as number[], inProcess: [] as number[] }
try {
  for (let run = 0; run < warmup + runs; run++) {
    const index = (run * 7919) % count
    const version = `b${run}`
    const id = wizardName(index).toLowerCase()
    const inProcess = wizard.waiter.next(id, version)
    const inBackend = new Promise<number>((resolve) => waiting.set(`${id}@${version}`, resolve))
    const started = epoch()
    const startedHere = performance.now()
    project.writeWizard(index, version)
    const [here_, there] = await Promise.all([inProcess, inBackend])
    if (run >= warmup) {
      samples.inProcess.push(here_ - startedHere)
      samples.backend.push(there - started)
    }
    await wizard.api.idle()
    await new Promise((resolve) => setTimeout(resolve, 80))
  }
  emit({ wizards: count, ...samples })
} finally {
  child.send('exit')
  await wizard.close()
  project.remove()
}
