import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/**
 * The save intake's invariant (plugin/files/save-intake.ts), thrown at with bursts of real writes
 * in every order a file system, a shell or an editor produces them: each burst that leaves the
 * wizard's code or config with a new content is exactly one reload — one register call with both as
 * they are on disk, or, for broken code or config, one failure (the registered version keeps
 * serving); a burst that leaves both as they were is nothing at all.
 */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const CODE = 'wizards/flow_wizard.ts'
const CONFIG = 'wizards/flow_wizard.config.json'
const code = (n: number) => wizardSource('FlowWizard', `out-${n}`)
const config = (n: number) => `${JSON.stringify({ step: n })}\n`
const brokenCode = (n: number) => `${wizardSource('FlowWizard', `out-${n}`)}\nexport const broken = (\n`
const brokenConfig = (n: number) => `{ "step": ${n},\n`

/** A small seeded generator: a failing run names its seed, and the same seed replays it. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Write = (file: string, content: string) => Promise<void>

/** The ways one save reaches the disk. */
const WRITES: Record<string, Write> = {
  // open, truncate and write in one call
  plain: async (file, content) => fs.writeFileSync(file, content),
  // a shell redirect (`cmd > file`): the truncate is visible before the write lands
  'truncate-then-write': async (file, content) => {
    const fd = fs.openSync(file, 'w')
    await new Promise((resolve) => setTimeout(resolve, 2))
    fs.writeSync(fd, content)
    fs.closeSync(fd)
  },
  // an editor's atomic save: a temp file renamed over the original (a new inode)
  'rename-over': async (file, content) => {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.swp`)
    fs.writeFileSync(temp, content)
    fs.renameSync(temp, file)
  },
  // the same content written twice (an editor that saves twice, a formatter on save)
  twice: async (file, content) => {
    fs.writeFileSync(file, content)
    fs.writeFileSync(file, content)
  },
  // in two chunks: the first half is briefly what the file holds
  chunked: async (file, content) => {
    const fd = fs.openSync(file, 'w')
    const half = Math.floor(content.length / 2)
    fs.writeSync(fd, content.slice(0, half))
    fs.writeSync(fd, content.slice(half))
    fs.closeSync(fd)
  },
}

test.each([1, 2, 3, 4])(
  'bursts of writes in every order (seed %i): one reload per distinct final content (a register, or one failure), nothing for a burst that changes nothing',
  async (seed) => {
    const next = random(seed)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
    const p = (project = await startTempProject({ files: { [CODE]: code(0), [CONFIG]: config(0) }, plugin: { delay: 20 } }))
    const registered = () => p.registry.registerCount('flow')
    const failures = () => p.events.filter((event) => event.type === 'failed').length
    expect(registered()).toBe(1)
    /** What is on disk: each file's text and whether it is broken. */
    let disk = { code: code(0), config: config(0) }
    let serving = { code: 0, config: 0 }
    let counter = 0
    const trail: string[] = []

    for (let burst = 1; burst <= 24; burst++) {
      // What this burst leaves on disk: new code, a new config, both, broken code or config, or what was there.
      const kind = pick(['code', 'config', 'both', 'same', 'broken-code', 'broken-config'] as const)
      const n = ++counter
      const target = { ...disk }
      if (kind === 'code' || kind === 'both') target.code = code(n)
      if (kind === 'config' || kind === 'both') target.config = config(n)
      if (kind === 'broken-code') target.code = brokenCode(n)
      if (kind === 'broken-config') target.config = brokenConfig(n)
      const how = pick(Object.keys(WRITES))
      const writes: Array<() => Promise<void>> = []
      if (kind === 'same') {
        const file = pick([CODE, CONFIG])
        writes.push(() => WRITES[how](p.path(file), file === CODE ? disk.code : disk.config))
      }
      if (target.code !== disk.code) writes.push(() => WRITES[how](p.path(CODE), target.code))
      if (target.config !== disk.config) writes.push(() => WRITES[pick(Object.keys(WRITES))](p.path(CONFIG), target.config))
      if (next() < 0.5) writes.reverse()
      trail.push(`${burst}: ${kind} by ${how}`)
      const before = { registered: registered(), failures: failures() }
      for (const write of writes) await write()

      const broken = target.code.includes('broken') || (target.config.startsWith('{ "step": ') && !target.config.includes('}'))
      const changed = kind !== 'same'
      const step = (text: string) => Number(/"step": ?(\d+)/.exec(text)![1])
      const out = (text: string) => Number(/out-(\d+)/.exec(text)![1])
      if (!changed) await p.api.idle()
      else if (broken) await expect.poll(failures).toBe(before.failures + 1)
      else {
        serving = { code: out(target.code), config: step(target.config) }
        await expect.poll(() => [p.registry.run('flow'), p.registry.contexts.at(-1)?.context.config]).toEqual([`out-${serving.code}`, { step: serving.config }])
      }
      await p.api.idle()
      // The watcher's late looks at this burst (chokidar's throttle, the trailing check) come within
      // ~100 ms: the next burst's count would catch any that reloaded; the last one is checked below.
      const why = `${trail.join('\n')}\n(seed ${seed})`
      expect(registered() - before.registered, why).toBe(changed && !broken ? 1 : 0)
      expect(failures() - before.failures, why).toBe(changed && broken ? 1 : 0)
      expect(p.registry.run('flow'), why).toBe(`out-${serving.code}`)
      disk = target
    }
    // A last good change, to give the final burst's late events their turn before counting.
    const before = { registered: registered(), failures: failures() }
    const n = ++counter
    await WRITES.plain(p.path(CODE), code(n))
    await WRITES.plain(p.path(CONFIG), config(n))
    await expect.poll(() => [p.registry.run('flow'), p.registry.contexts.at(-1)?.context.config]).toEqual([`out-${n}`, { step: n }])
    await p.api.idle()
    expect(registered() - before.registered).toBeLessThanOrEqual(2) // one, or two when the config's event came in its own debounce
    expect(failures() - before.failures).toBe(0)
  },
)
