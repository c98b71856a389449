// A framework's runtime in a worker thread (as Nitro runs its `nitro` environment): a module runner
// whose transport is postMessage to the dev server's thread, which answers from an environment.
// It imports the app's registry and answers "state" with what that instance holds.
import { parentPort, workerData } from 'node:worker_threads'
import { createNodeImportMeta, ESModulesEvaluator, ModuleRunner } from 'vite/module-runner'

let nextId = 0
const pending = new Map()
parentPort.on('message', async (message) => {
  if (message.type === 'invoked') {
    pending.get(message.id)?.(message.answer)
    pending.delete(message.id)
  } else if (message.type === 'state') {
    parentPort.postMessage({
      type: 'state',
      wizards: registry.listWizards(),
      outputs: Object.fromEntries(registry.listWizards().map((id) => [id, registry.runWizard(id)])),
    })
  }
})

const runner = new ModuleRunner(
  {
    transport: {
      invoke: (payload) =>
        new Promise((resolve) => {
          const id = ++nextId
          pending.set(id, resolve)
          parentPort.postMessage({ type: 'invoke', id, payload })
        }),
    },
    hmr: false,
    sourcemapInterceptor: false,
    createImportMeta: createNodeImportMeta,
  },
  new ESModulesEvaluator(),
)

const registry = await runner.import(workerData.registry)
parentPort.postMessage({ type: 'ready', wizards: registry.listWizards() })
