import { afterEach, expect, test } from 'vitest'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/** What the plugin keeps of old versions is bounded in bytes, whatever the file size. */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

const MB = 1024 * 1024
const big = (output: string) => wizardSource(output === 'plan' ? 'PlanWizard' : 'DebugWizard', output, `// ${'x'.repeat(MB)}`)

test('1 MB wizard files, 20 saves each: the classes kept alive stay within the history’s byte budget (not 20 per wizard); a rollback to a released one evaluates its source again', async () => {
  const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': big('d0'), 'wizards/plan_wizard.ts': wizardSource('PlanWizard', 'p0', `// ${'y'.repeat(MB)}`) } }))
  const classes: WeakRef<object>[] = []
  const track = p.registry.register
  p.registry.register = async (wizardId, wizardClass, context) => {
    classes.push(new WeakRef(wizardClass as object))
    return track(wizardId, wizardClass, context)
  }
  for (let save = 1; save <= 20; save++) {
    p.write('wizards/debug_wizard.ts', big(`d${save}`))
    p.write('wizards/plan_wizard.ts', wizardSource('PlanWizard', `p${save}`, `// ${'y'.repeat(MB)} ${save}`))
    await expect.poll(() => [p.registry.run('debug'), p.registry.run('plan')]).toEqual([`d${save}`, `p${save}`])
  }
  await p.api.idle()
  const gc = (globalThis as { gc?: () => void }).gc!
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  // 32 MB of kept classes at ~4 MB each: 8, plus the 2 registered now (and the registry's own references).
  const alive = classes.filter((ref) => ref.deref() !== undefined).length
  expect(alive).toBeLessThanOrEqual(12)
  expect(p.api.history('debug').filter((entry) => entry.kept)).toHaveLength(20)

  // v2 of debug: its class was released long ago; rolling back evaluates its kept source again.
  expect(await p.api.rollback('debug', 2)).toMatchObject({ ok: true, version: 2, pinned: true })
  expect(p.registry.run('debug')).toBe('d1')
  // And forward again: undo goes back to v21 (its class is kept: the newest).
  expect(await p.api.undo('debug')).toMatchObject({ ok: true, version: 21 })
  expect(p.registry.run('debug')).toBe('d20')
})
