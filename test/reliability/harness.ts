import { isDeepStrictEqual } from 'node:util'
import type { DevServerProcess } from './dev-server-process.ts'

/** One promise of the product, tried `tries` times against real dev servers. */
export interface ReliabilityCase {
  name: string
  tries: number
  /** Runs before the tries (start a server, write files); its value reaches each try. */
  setup?: () => Promise<DevServerProcess | undefined>
  /** One try: resolves when the promise held; throws (or rejects) with what went wrong otherwise. `note` adds a line to the report (a measurement). */
  run: (attempt: number, server: DevServerProcess | undefined, note: (line: string) => void) => Promise<void>
}

export interface CaseResult {
  name: string
  tried: number
  asPromised: number
  not: number
  /** The first few reasons a try did not hold. */
  failures: string[]
  /** What the case measured, for the report. */
  notes: string[]
  seconds: number
}

/** Runs each case's tries one after another; a server that died fails every remaining try. */
export async function runCases(cases: ReliabilityCase[], onResult: (result: CaseResult) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  for (const reliabilityCase of cases) {
    const started = performance.now()
    const result: CaseResult = { name: reliabilityCase.name, tried: 0, asPromised: 0, not: 0, failures: [], notes: [], seconds: 0 }
    let server: DevServerProcess | undefined
    try {
      server = await reliabilityCase.setup?.()
      for (let attempt = 1; attempt <= reliabilityCase.tries; attempt++) {
        result.tried++
        try {
          if (server && !server.alive) throw new Error(`the dev server died: ${server.crashReport}`)
          await reliabilityCase.run(attempt, server, (line) => result.notes.push(line))
          if (server && !server.alive) throw new Error(`the dev server died: ${server.crashReport}`)
          result.asPromised++
        } catch (error) {
          result.not++
          if (result.failures.length < 3) result.failures.push(`try ${attempt}: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    } catch (error) {
      result.not += reliabilityCase.tries - result.tried
      result.tried = reliabilityCase.tries
      result.failures.push(`setup: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      await server?.close().catch(() => {})
    }
    result.seconds = Math.round((performance.now() - started) / 100) / 10
    results.push(result)
    onResult(result)
  }
  return results
}

/**
 * Polls `read` until it equals `expected` (deep), at most `timeoutMs`; throws with the last value
 * otherwise. A bounded wait on a condition, never a fixed sleep.
 */
export async function until<T>(what: string, read: () => Promise<T> | T, expected: T | ((value: T) => boolean), timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  let last: T | undefined
  for (let interval = 10; ; interval = Math.min(200, interval * 2)) {
    last = await read()
    if (typeof expected === 'function' ? (expected as (value: T) => boolean)(last) : isDeepStrictEqual(last, expected)) return last
    if (performance.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
  throw new Error(`${what}: still ${abbreviate(last)} after ${timeoutMs} ms${typeof expected === 'function' ? '' : `, expected ${abbreviate(expected)}`}`)
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message)
}

function abbreviate(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

export function formatTable(results: CaseResult[]): string {
  const rows = results.map((r) => [r.name, String(r.tried), String(r.asPromised), String(r.not)])
  const header = ['case', 'tried', 'as promised', 'not']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`
  const totals = results.reduce((sum, r) => ({ tried: sum.tried + r.tried, asPromised: sum.asPromised + r.asPromised, not: sum.not + r.not }), {
    tried: 0,
    asPromised: 0,
    not: 0,
  })
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
    line([`**all ${results.length} cases**`, String(totals.tried), String(totals.asPromised), String(totals.not)]),
  ].join('\n')
}
