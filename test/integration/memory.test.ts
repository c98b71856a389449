import { afterEach, expect, test } from 'vitest'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/** What the plugin keeps of old versions is bounded in bytes, whatever the file size. */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const MB = 1024 * 1024
/** Every class evaluated, weakly, with its version's output: each module adds its own (the runner evaluates in this process). */
const classes = ((globalThis as { __memoryTestClasses?: Array<{ output: string; ref: WeakRef<object> }> }).__memoryTestClasses ??= [])
const big = (className: string, output: string, fill: string) =>
  `${wizardSource(className, output, `// ${fill.repeat(MB)} ${output}`)}\n;(globalThis as any).__memoryTestClasses.push({ output: '${output}', ref: new WeakRef(${className}) })\n`

test('1 MB wizard files, 20 saves each: the classes kept alive stay within the history’s byte budget (not 20 per wizard); a rollback to a released one evaluates its source again', async () => {
  const p = (project = await startTempProject({
    files: { 'wizards/debug_wizard.ts': big('DebugWizard', 'd0', 'x'), 'wizards/plan_wizard.ts': big('PlanWizard', 'p0', 'y') },
  }))
  for (let save = 1; save <= 20; save++) {
    p.write('wizards/debug_wizard.ts', big('DebugWizard', `d${save}`, 'x'))
    p.write('wizards/plan_wizard.ts', big('PlanWizard', `p${save}`, 'y'))
    await expect.poll(() => [p.registry.run('debug'), p.registry.run('plan')]).toEqual([`d${save}`, `p${save}`])
  }
  await p.api.idle()
  const gc = (globalThis as { gc?: () => void }).gc!
  const alive = async () => {
    for (let i = 0; i < 5; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    return classes.filter(({ ref }) => ref.deref() !== undefined).length
  }
  expect(classes).toHaveLength(42)
  // 16 MB of kept classes at a little over 4 MB each: 3 old ones, plus the 2 registered now.
  expect(await alive()).toBeLessThanOrEqual(6)
  // Rollback reaches further back than the classes: 8 MB of sources, the 2 serving now included, 5 old ones.
  const kept = p.api.history('debug').filter((entry) => entry.kept)
  expect(kept.length).toBeGreaterThanOrEqual(3)
  expect(kept.length).toBeLessThan(20)
  expect(p.api.history('debug').find((entry) => entry.version === 2)).toMatchObject({ kept: false })
  expect(await p.api.rollback('debug', 2)).toMatchObject({ ok: false, version: 21 })

  // A version whose source is kept but whose class was released: rolling back evaluates its source again. (Which
  // ones were released depends on how the two wizards' saves interleaved in time: found from the classes alive.)
  await alive()
  const living = new Set(classes.filter(({ ref }) => ref.deref() !== undefined).map(({ output }) => output))
  const released = (['debug', 'plan'] as const).flatMap((wizardId) =>
    p.api
      .history(wizardId)
      .filter((entry) => entry.kept && !living.has(`${wizardId[0]}${entry.version! - 1}`))
      .map((entry) => ({ wizardId, version: entry.version!, output: `${wizardId[0]}${entry.version! - 1}` })),
  )
  // 5 old sources kept, 3 old classes: at least 2 kept versions have only their source.
  expect(released.length).toBeGreaterThanOrEqual(2)
  const { wizardId, version, output } = released[0]
  expect(await p.api.rollback(wizardId, version)).toMatchObject({ ok: true, version, pinned: true })
  expect(p.registry.run(wizardId)).toBe(output)
  expect(classes).toHaveLength(43)
  expect(classes.at(-1)!.output).toBe(output)
  // And forward again: undo goes back to v21 (its class is kept: it was the newest).
  expect(await p.api.undo(wizardId)).toMatchObject({ ok: true, version: 21 })
  expect(p.registry.run(wizardId)).toBe(`${wizardId[0]}20`)
  expect(classes).toHaveLength(43)
  expect(await alive()).toBeLessThanOrEqual(7)
})
