// The floor under "save → registered", measured in the same run as the plugin: what no watcher-
// based reloader can beat on this machine. Two parts, each in-process on the same project:
//   fs     — write → Node's own fs.watch event for the folder (what chokidar builds on);
//   runner — a bare invalidate + server.environments.ssr.runner.import of the saved file, on a
//            plain Vite server without the plugin (the transform and evaluation themselves);
//   ssrLoadModule — the same with the deprecated ssrLoadModule, side by side.
// Prints { wizards, fs, runner, ssrLoadModule } (sample arrays, ms).
import fs from 'node:fs'
import path from 'node:path'
import { createServer, type EnvironmentModuleNode, type RunnableDevEnvironment } from 'vite'
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'

process.setSourceMapsEnabled(false)
const options = args()
const count = Number(options.get('wizards') ?? 10)
const runs = Number(options.get('runs') ?? 30)
const warmup = 5

const project = createBenchProject(count)
const dir = path.join(project.root, 'wizards')
const server = await createServer({ root: project.root, configFile: false, envDir: false, logLevel: 'silent', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false, watch: null } })
const ssr = server.environments.ssr as RunnableDevEnvironment
const samples = { fs: [] as number[], runner: [] as number[], ssrLoadModule: [] as number[] }

function invalidate(file: string): void {
  const seen = new Set<EnvironmentModuleNode>()
  for (const mod of ssr.moduleGraph.getModulesByFile(file) ?? []) ssr.moduleGraph.invalidateModule(mod, seen)
}

try {
  for (let i = 0; i < count; i++) await ssr.runner.import(project.wizardFile(i))
  for (let i = 0; i < count; i++) await server.ssrLoadModule(project.wizardFile(i))

  // write → fs.watch event
  let resolveEvent: ((at: number) => void) | undefined
  const watcher = fs.watch(dir, () => resolveEvent?.(performance.now()))
  for (let run = 0; run < warmup + runs; run++) {
    const index = (run * 7919) % count
    const event = new Promise<number>((resolve) => (resolveEvent = resolve))
    const started = performance.now()
    project.writeWizard(index, `fs${run}`)
    const at = await event
    resolveEvent = undefined
    if (run >= warmup) samples.fs.push(at - started)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  watcher.close()

  // invalidate + import, each loader on its own copy of the module
  for (const [name, load] of [
    ['runner', (file: string) => ssr.runner.import(file)],
    ['ssrLoadModule', (file: string) => server.ssrLoadModule(file)],
  ] as const) {
    for (let run = 0; run < warmup + runs; run++) {
      const index = (run * 7919) % count
      project.writeWizard(index, `${name}${run}`)
      const file = project.wizardFile(index)
      const started = performance.now()
      invalidate(file)
      const exports = (await load(file)) as Record<string, { version?: string }>
      const elapsed = performance.now() - started
      if (exports[`${wizardName(index)}Wizard`]?.version !== `${name}${run}`) throw new Error(`${name} did not load the new version`)
      if (run >= warmup) samples[name].push(elapsed)
    }
  }
  emit({ wizards: count, ...samples })
} finally {
  await server.close()
  project.remove()
}
