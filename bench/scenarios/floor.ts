// The floor under "save → registered", measured in the same run as the plugin and under the same
// conditions (the clock starts before the write; one save every GAP_MS, as save-to-registered
// does — on a machine whose idle cores doze, a save after a pause is slower than one right after
// another): what no watcher-based reloader can beat here. On a plain Vite server without the plugin:
//   fs     — write → Node's own fs.watch event for the folder (what chokidar builds on);
//   runner — write, then a bare invalidate + server.environments.ssr.runner.import of the file;
//   ssrLoadModule — the same with the deprecated ssrLoadModule, side by side;
//   total  — all of it in one go: write → fs.watch event → invalidate → runner.import.
// Prints { wizards, fs, runner, ssrLoadModule, total } (sample arrays, ms).
import fs from 'node:fs'
import path from 'node:path'
import { createServer, type EnvironmentModuleNode, type RunnableDevEnvironment } from 'vite'
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'

process.setSourceMapsEnabled(false)
const options = args()
const count = Number(options.get('wizards') ?? 10)
const runs = Number(options.get('runs') ?? 30)
const warmup = 5
/** The pause between saves, as in save-to-registered.ts. */
const GAP_MS = 80
const pause = () => new Promise((resolve) => setTimeout(resolve, GAP_MS))

const project = createBenchProject(count)
const dir = path.join(project.root, 'wizards')
const server = await createServer({
  root: project.root,
  configFile: false,
  envDir: false,
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
})
const ssr = server.environments.ssr as RunnableDevEnvironment
const samples = { fs: [] as number[], runner: [] as number[], ssrLoadModule: [] as number[], total: [] as number[] }

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
    await pause()
  }

  // write → fs.watch event → invalidate → runner.import: a reloader with nothing in between
  for (let run = 0; run < warmup + runs; run++) {
    const index = (run * 7919) % count
    const file = project.wizardFile(index)
    const event = new Promise<number>((resolve) => (resolveEvent = resolve))
    const started = performance.now()
    project.writeWizard(index, `total${run}`)
    await event
    resolveEvent = undefined
    invalidate(file)
    const exports = (await ssr.runner.import(file)) as Record<string, { version?: string }>
    const elapsed = performance.now() - started
    if (exports[`${wizardName(index)}Wizard`]?.version !== `total${run}`) throw new Error('the floor did not load the new version')
    if (run >= warmup) samples.total.push(elapsed)
    await pause()
  }
  watcher.close()

  // invalidate + import, each loader on its own copy of the module
  for (const [name, load] of [
    ['runner', (file: string) => ssr.runner.import(file)],
    ['ssrLoadModule', (file: string) => server.ssrLoadModule(file)],
  ] as const) {
    for (let run = 0; run < warmup + runs; run++) {
      const index = (run * 7919) % count
      const file = project.wizardFile(index)
      const started = performance.now()
      project.writeWizard(index, `${name}${run}`)
      invalidate(file)
      const exports = (await load(file)) as Record<string, { version?: string }>
      const elapsed = performance.now() - started
      if (exports[`${wizardName(index)}Wizard`]?.version !== `${name}${run}`) throw new Error(`${name} did not load the new version`)
      if (run >= warmup) samples[name].push(elapsed)
      await pause()
    }
  }
  emit({ wizards: count, ...samples })
} finally {
  await server.close()
  project.remove()
}
