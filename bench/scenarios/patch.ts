// The cost of a patch (issue #20): planPatch + applyPatch for a wizard class of 50 members, 2 of
// them changed per save. Every save is a new class object, evaluated before the clock starts (that
// is the module load, measured by save-to-registered); the clock covers what the patch mode adds:
// reading the new class (toString + acorn + normalised member texts, once per class object), the
// diff and the reasons, and defining the members onto the live class (one live class throughout,
// as in patch mode: its current members are the last version patched in, never parsed again).
// Beside it, the same saves when the new class cannot be read from the last one (here a comment between
// two members changes each time, so the skeleton differs) and is parsed in full.
//   npx tsx bench/scenarios/patch.ts [--runs 2000] [--members 50]
// Prints summary lines, then { members, sourceBytes, total, describe, plan, apply, fullRead } (sample arrays, ms).
import { args, emit } from '../lib/project.ts'
import { summarize } from '../lib/stats.ts'
import { applyPatch } from '../../plugin/patch/apply-patch.ts'
import { describeClass } from '../../plugin/patch/member-shapes.ts'
import { planPatch } from '../../plugin/patch/plan-patch.ts'
import { currentShape } from '../../plugin/patch/patch-state.ts'

process.setSourceMapsEnabled(false)
const options = args()
const runs = Number(options.get('runs') ?? 2000)
const memberCount = Number(options.get('members') ?? 50)
const warmup = Math.min(500, runs)
/** Target from the issue: the cost of patching (diff + define) for a class of 50 members. */
const TARGET_MS = 0.3

/** A wizard class of `memberCount` members; `version` changes the bodies of two methods. */
function wizardSource(version: number, note = ''): string {
  const lines = ['class BenchWizard extends Base {', '  answers = []', '  step = 0', note]
  let members = 2
  for (let i = 0; members < memberCount; i++, members++) {
    const changed = i === 7 || i === 23
    const body = changed ? `return this.answers.length + ${version}` : `return this.answers.length + ${i}`
    if (i % 10 === 9) {
      lines.push(`  get total${i}() {`, `    // the total after step ${i}`, `    ${body}`, '  }')
    } else if (i % 10 === 4) {
      lines.push(`  static create${i}(options = {}) {`, `    const wizard = new this()`, `    wizard.step = options.step ?? ${i}`, '    return wizard', '  }')
    } else {
      lines.push(
        `  step${i}(answer) {`,
        `    if (typeof answer !== 'string' || answer.length === 0) throw new Error('step ${i}: an answer is required')`,
        `    this.answers.push({ step: ${i}, answer: answer.trim() })`,
        `    ${body}`,
        '  }',
      )
    }
  }
  lines.push('}')
  return lines.join('\n')
}

class Base {}
const evaluate = (source: string) => new Function('Base', `'use strict'; return (${source})`)(Base) as Function

const live = evaluate(wizardSource(0))
const samples = { total: [] as number[], describe: [] as number[], plan: [] as number[], apply: [] as number[] }
const running = Reflect.construct(live, []) as { answers: unknown[]; step7(answer: string): number }

for (let run = 0; run < warmup + runs; run++) {
  // The save's module evaluation, not timed (save-to-registered measures it).
  const next = evaluate(wizardSource(run + 1))
  const started = performance.now()
  // What planPatch does first (then finds cached): read the new class against the live class's current version.
  describeClass(next, currentShape(live))
  const described = performance.now()
  const plan = planPatch(live, next)
  const planned = performance.now()
  if (plan.mode !== 'patch' || plan.changed.length !== 2) throw new Error(`expected a patch of 2 members: ${JSON.stringify(plan)}`)
  applyPatch(live, next, plan)
  const applied = performance.now()
  // The instance made before the first patch runs this version's step7 and keeps its answers.
  const answers = running.answers.length
  if (running.step7('a') !== answers + 1 + run + 1) throw new Error('the live instance does not run the patched step7')
  if (run >= warmup) {
    samples.total.push(applied - started)
    samples.describe.push(described - started)
    samples.plan.push(planned - described)
    samples.apply.push(applied - planned)
  }
}

// The fallback: a comment between members that changes with every save; the class is parsed in full.
const fullRead: number[] = []
for (let run = 0; run < warmup + Math.ceil(runs / 4); run++) {
  const version = warmup + runs + run + 1
  const next = evaluate(wizardSource(version, `  // save ${version}`))
  const started = performance.now()
  const plan = planPatch(live, next)
  applyPatch(live, next, plan)
  if (run >= warmup) fullRead.push(performance.now() - started)
  if (plan.mode !== 'patch' || plan.changed.length !== 2) throw new Error(`expected a patch of 2 members: ${JSON.stringify(plan)}`)
}

const total = summarize(samples.total)
const part = (name: keyof typeof samples) => {
  const summary = summarize(samples[name])
  return `${name} ${summary.median} / ${summary.p95}`
}
console.log(
  `patch of ${memberCount} members (2 changed), ${runs} saves: median ${total.median} ms, p95 ${total.p95} ms ` +
    `(${part('describe')} · ${part('plan')} · ${part('apply')}) — target ≤ ${TARGET_MS} ms: ${total.median <= TARGET_MS ? 'met' : 'missed'}`,
)
const full = summarize(fullRead)
console.log(`the same, when the new class is parsed in full: median ${full.median} ms, p95 ${full.p95} ms (${full.runs} saves)`)
emit({ members: memberCount, sourceBytes: wizardSource(1).length, ...samples, fullRead })
