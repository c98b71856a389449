import { DevServerProcess } from '../dev-server-process.ts'
import { until, type ReliabilityCase } from '../harness.ts'
import { shell } from '../../shell.ts'
import { manyWizards, wizardSource, writeCommand } from '../wizard-files.ts'

/**
 * What git does on a branch switch, from another process: many files rewritten, some deleted, some
 * added, as fast as the disk allows. After it, what is registered must be exactly what is on disk.
 */
function branchSwitch(name: string, { total, modify }: { total: number; modify: boolean }): ReliabilityCase {
  /** Wizard number → the tag its file on disk returns. */
  const onDisk = new Map<number, string>()
  let nextId = total
  return {
    name,
    tries: 6,
    async setup() {
      for (let i = 0; i < total; i++) onDisk.set(i, 'r0')
      return DevServerProcess.start(manyWizards(total, 'r0'), { plugin: { dirs: ['wizards'] } })
    },
    async run(attempt, server) {
      const tag = `r${attempt}`
      const names = [...onDisk.keys()]
      const deleted = names.slice(0, 20)
      const kept = names.slice(20)
      const added = Array.from({ length: 20 }, () => nextId++)
      const script = [
        ...deleted.map((i) => `rm wizards/w${i}_wizard.ts`),
        ...(modify ? kept : []).map((i) => writeCommand(`wizards/w${i}_wizard.ts`, wizardSource(`W${i}Wizard`, `w${i} ${tag}`))),
        ...added.map((i) => writeCommand(`wizards/w${i}_wizard.ts`, wizardSource(`W${i}Wizard`, `w${i} ${tag}`))),
      ]
      await shell(server!.root, script.join('\n'))
      for (const i of deleted) onDisk.delete(i)
      for (const i of [...(modify ? kept : []), ...added]) onDisk.set(i, tag)
      const expected = Object.fromEntries([...onDisk].map(([i, t]) => [`w${i}`, `w${i} ${t}`]).sort(([a], [b]) => a.localeCompare(b)))
      await until('registered outputs', async () => sortedKeys((await server!.registry()).outputs), expected, 60_000)
    },
  }
}

function sortedKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}

export const branchSwitchCases: ReliabilityCase[] = [
  branchSwitch('git checkout: 300 wizards, 280 modified, 20 deleted, 20 added', { total: 300, modify: true }),
  branchSwitch('one burst: 20 deleted and 20 created next to 280', { total: 300, modify: false }),
]
