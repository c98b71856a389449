/**
 * The reliability suite: real dev servers (each in a process of its own) driven through every way
 * a wizard, a callback, another plugin or the file system tried to crash, freeze or blind them,
 * plus floods and churn. Prints a table (case, tried, as promised, not) and writes it to
 * test-results/reliability.md; exits non-zero when any try did not hold.
 *
 *   npm run test:reliability            (builds first; the servers run the built package)
 *   npm run test:reliability -- crash   (only cases whose name contains "crash")
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { branchSwitchCases } from './cases/branch-switch.ts'
import { crashCases } from './cases/crashes.ts'
import { floodCases } from './cases/floods.ts'
import { limitCases } from './cases/limits.ts'
import { soakCases } from './cases/soak.ts'
import { newUserCases } from './cases/new-user.ts'
import { stuckCases } from './cases/stuck.ts'
import { watchingCases } from './cases/watching.ts'
import { formatTable, runCases, type CaseResult } from './harness.ts'

const filter = process.argv[2]?.toLowerCase()
const all = [...branchSwitchCases, ...crashCases, ...stuckCases, ...watchingCases, ...newUserCases, ...floodCases, ...limitCases, ...soakCases]
const cases = filter ? all.filter((reliabilityCase) => reliabilityCase.name.toLowerCase().includes(filter)) : all

const started = performance.now()
const results = await runCases(cases, (result: CaseResult) => {
  const mark = result.not === 0 ? '✓' : '✗'
  console.log(`${mark} ${result.name}: ${result.asPromised}/${result.tried} as promised (${result.seconds} s)`)
  for (const failure of result.failures) console.log(`    ${failure}`)
  for (const note of result.notes) console.log(`    ${note}`)
})
const minutes = Math.round((performance.now() - started) / 600) / 100
const table = formatTable(results)
console.log(`\n${table}\n\n${minutes} min`)

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results')
fs.mkdirSync(outDir, { recursive: true })
const measured = results.filter((result) => result.notes.length > 0).map((result) => `## ${result.name}\n\n${result.notes.join('\n')}\n`)
fs.writeFileSync(path.join(outDir, 'reliability.md'), `# Reliability run (${new Date().toISOString()}, ${minutes} min)\n\n${table}\n\n${measured.join('\n')}`)
fs.writeFileSync(path.join(outDir, 'reliability.json'), JSON.stringify(results, null, 2))
process.exit(results.some((result) => result.not > 0) ? 1 : 0)
