import fs from 'node:fs'
import { DevServerProcess } from '../dev-server-process.ts'
import { check, type ReliabilityCase } from '../harness.ts'
import { wizardSource } from '../wizard-files.ts'

/** Long runs: what memory and descriptors do over thousands of saves, measured in the server's own process. */
const MB = 1024 * 1024
const mb = (bytes: number) => (bytes / MB).toFixed(1)
const SOAK_SAVES = 10_000

let saved = 0
async function save(server: DevServerProcess, wizard = 'debug', extra = ''): Promise<void> {
  const output = `v${++saved}`
  const className = `${wizard[0].toUpperCase()}${wizard.slice(1)}Wizard`
  fs.writeFileSync(server.path(`wizards/${wizard}_wizard.ts`), wizardSource(className, output, extra))
  await server.waitFor(wizard, output)
}

export const soakCases: ReliabilityCase[] = [
  {
    name: `soak: ${SOAK_SAVES.toLocaleString('en')} saves of 5 wizards — RSS, heap and file descriptors per 1000 saves level off`,
    tries: 1,
    setup: () =>
      DevServerProcess.start(
        Object.fromEntries(
          ['alpha', 'beta', 'gamma', 'delta', 'omega'].map((id) => [
            `wizards/${id}_wizard.ts`,
            wizardSource(`${id[0].toUpperCase()}${id.slice(1)}Wizard`, 'v0'),
          ]),
        ),
        { plugin: { dirs: ['wizards'], delay: 0 } },
      ),
    async run(_attempt, server, note) {
      const ids = ['alpha', 'beta', 'gamma', 'delta', 'omega']
      const samples: Array<{ saves: number; rss: number; heap: number; fds: number }> = []
      const sample = async (saves: number) => {
        const usage = await server!.usage({ forget: true })
        check(usage.gc, 'the dev server has no gc() (it must run with --expose-gc)')
        samples.push({ saves, rss: usage.rss, heap: usage.heapUsed, fds: usage.fds })
      }
      await sample(0)
      for (let i = 1; i <= SOAK_SAVES; i++) {
        await save(server!, ids[i % ids.length])
        if (i % 1000 === 0) await sample(i)
      }
      note('| saves | RSS MB | heap MB | open fds |')
      note('|---:|---:|---:|---:|')
      for (const { saves, rss, heap, fds } of samples) note(`| ${saves} | ${mb(rss)} | ${mb(heap)} | ${fds} |`)
      // V8's young generation grows to its maximum under Vite's transform rate in the first ~500 saves
      // (a one-off step, in a bare Vite loop too): the bound is on what comes after the first 1000.
      const warm = samples.find((s) => s.saves === 1000)!
      const last = samples.at(-1)!
      const rssGrowth = last.rss - warm.rss
      const heapGrowth = last.heap - warm.heap
      note(
        `after the first 1000 saves: RSS ${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)} MB, heap ${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)} MB, fds ${last.fds - warm.fds >= 0 ? '+' : ''}${last.fds - warm.fds} over ${SOAK_SAVES - 1000} saves`,
      )
      check(rssGrowth < 48 * MB, `RSS grew ${mb(rssGrowth)} MB over ${SOAK_SAVES - 1000} saves`)
      // (Measured: +0.4 MB over 9000 saves, V8's code levelling off; a leak of 500 bytes a save would be +4.5 MB.)
      check(heapGrowth < 3 * MB, `the heap grew ${mb(heapGrowth)} MB over ${SOAK_SAVES - 1000} saves`)
      check(Math.abs(last.fds - warm.fds) <= 8, `open file descriptors went from ${warm.fds} to ${last.fds}`)
    },
  },
  {
    name: 'memory: 1 MB wizard files, 60 saves each of two — the heap levels off (the history is bounded in bytes)',
    tries: 1,
    // V8's compilation cache keeps recently evaluated module code until memory is short (not ours, and
    // never emptied by gc()): off here, so the heap measured is what the plugin keeps.
    setup: () =>
      DevServerProcess.start(
        {
          'wizards/big_wizard.ts': wizardSource('BigWizard', 'v0', `// ${'x'.repeat(MB)}\n`),
          'wizards/huge_wizard.ts': wizardSource('HugeWizard', 'v0', `export const blob = ${JSON.stringify('y'.repeat(MB))}\n`),
        },
        { plugin: { dirs: ['wizards'], delay: 0 }, nodeFlags: ['--no-compilation-cache'] },
      ),
    async run(_attempt, server, note) {
      const start = (await server!.settledHeap()) / MB
      const heaps: number[] = []
      for (let round = 1; round <= 60; round++) {
        await save(server!, 'big', `// ${'x'.repeat(MB)} ${round}\n`)
        await save(server!, 'huge', `export const blob = ${JSON.stringify('y'.repeat(MB - 8) + String(round).padStart(8, '0'))}\n`)
        if (round % 20 === 0) heaps.push((await server!.settledHeap()) / MB)
      }
      note(`heap at start, then after 20 / 40 / 60 saves of each: ${start.toFixed(0)}, then ${heaps.map((heap) => heap.toFixed(0)).join(' / ')} MB`)
      check(heaps[2] - heaps[0] < 24, `the heap grew ${(heaps[2] - heaps[0]).toFixed(0)} MB between save 20 and 60 (it keeps old versions)`)
      // And levels off where the budgets say: 16 MB of old classes, 8 MB of sources, the two versions
      // serving (~4 MB each with their maps) and Vite's module graph (~7 MB) — not 20 classes per wizard.
      check(heaps[0] - start < 48, `the heap grew ${(heaps[0] - start).toFixed(0)} MB in the first 20 saves of each (the history's byte budgets allow ~40)`)
    },
  },
]
