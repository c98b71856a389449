import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DevEnvironment } from 'vite'
import { afterEach, expect, test } from 'vitest'
import { lastEvent, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/**
 * A registry evaluated outside the dev server's thread — a framework running an environment in a
 * worker, as Nitro does — is kept complete through the backend link, with no code by the user.
 */
const here = path.dirname(fileURLToPath(import.meta.url))
let project: TempProject | undefined
let worker: Worker | undefined
afterEach(async () => {
  await worker?.terminate()
  worker = undefined
  await project?.close()
  project = undefined
})

const registrySource = `
const wizards = new Map<string, new () => { run(): string }>()
export function registerWizard(id: string, cls: new () => { run(): string }) { wizards.set(id, cls); return true }
export function unregisterWizard(id: string) { wizards.delete(id) }
export function runWizard(id: string) { const cls = wizards.get(id); return cls ? new cls().run() : 'missing' }
export function listWizards() { return [...wizards.keys()].sort() }
`

/** Starts the worker runtime; the dev server's side answers its module requests from `environment`. */
function workerRuntime(environment: DevEnvironment, registry: string) {
  const runtime = new Worker(path.join(here, '../backends/worker-runtime.mjs'), { workerData: { registry } })
  runtime.on('message', async (message: { type: string; id?: number; payload?: { data: { name: string; data: unknown[] } } }) => {
    if (message.type !== 'invoke' || !message.payload) return
    const { name, data } = message.payload.data
    try {
      const result =
        name === 'getBuiltins'
          ? [...builtinModules.map((value) => ({ type: 'string', value })), { type: 'regexp', source: '^node:', flags: '' }]
          : await environment.fetchModule(...(data as Parameters<DevEnvironment['fetchModule']>))
      runtime.postMessage({ type: 'invoked', id: message.id, answer: { result } })
    } catch (error) {
      runtime.postMessage({ type: 'invoked', id: message.id, answer: { error: { message: String(error) } } })
    }
  })
  const next = (type: string) =>
    new Promise<{ wizards: string[]; outputs?: Record<string, string> }>((resolve) =>
      runtime.on('message', function on(message: { type: string }) {
        if (message.type !== type) return
        runtime.off('message', on)
        resolve(message as never)
      }),
    )
  return {
    runtime,
    ready: next('ready'),
    async state() {
      const answer = next('state')
      runtime.postMessage({ type: 'state' })
      return answer
    },
  }
}

test('a registry evaluated in a worker thread has every wizard before its importers run, and every reload reaches it — counted like a backend', async () => {
  const p = (project = await startTempProject({
    listen: true,
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts' },
    files: {
      'server/registry.ts': registrySource,
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/plan_wizard.ts': wizardSource('PlanWizard', 'plan'),
    },
  }))
  const elsewhere = workerRuntime(p.server.environments.ssr, p.path('server/registry.ts'))
  worker = elsewhere.runtime
  // What the runtime's registry holds the moment its import of the registry is done.
  expect((await elsewhere.ready).wizards).toEqual(['debug', 'plan'])
  expect(p.api.getStatus()).toMatchObject({ backends: [expect.objectContaining({ name: 'ssr' })] })

  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(async () => (await elsewhere.state()).outputs?.debug).toBe('v2')
  await expect.poll(() => lastEvent(p.events, 'reloaded', 'debug')?.backends).toMatchObject({ total: 1, ok: 1 })
  p.remove('wizards/plan_wizard.ts')
  await expect.poll(async () => (await elsewhere.state()).wizards).toEqual(['debug'])
})

test('a registry evaluated in another runtime that cannot connect back (backends: false) is said at once, naming the environment and the fix', async () => {
  const p = (project = await startTempProject({
    listen: true,
    useTestRegistry: false,
    plugin: { registry: 'server/registry.ts', backends: false },
    files: { 'server/registry.ts': registrySource, 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
    // An environment whose modules run elsewhere (no runner in this process), as Nitro's does.
    vite: { environments: { worker: { consumer: 'server', dev: { createEnvironment: (name, config) => new DevEnvironment(name, config, { hot: false }) } } } },
  }))
  const transformed = await p.server.environments.worker.transformRequest('/server/registry.ts')
  expect(transformed?.code).toContain('connectRegistryRuntime')
  const said = p.logs.filter((line) => line.includes('the "worker" environment evaluates server/registry.ts outside the dev server'))
  expect(said).toHaveLength(1)
  expect(said[0]).toContain('remove backends: false to let it connect back')
  await p.server.environments.worker.transformRequest('/server/registry.ts?again')
  expect(p.logs.filter((line) => line.includes('the "worker" environment evaluates'))).toHaveLength(1)
})
