import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describeThrown, describeValue, safeGet } from '../errors/thrown-value.ts'
import { settleWithin, TIMED_OUT } from '../shared/settle-within.ts'
import type { ConfigPath } from './parsed-config.ts'

export interface SchemaIssue {
  message: string
  path: ConfigPath
}

export type Validation = { ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] } | { ok: false; problem: string }

/**
 * Reads a class's `static configSchema`: absent (undefined), a Standard Schema (the `~standard`
 * interface Zod 3.24+, Valibot 1 and ArkType 2 implement), or a reason it cannot be used.
 */
export function configSchemaOf(wizardClass: unknown): { schema: StandardSchemaV1 | undefined } | { problem: string } {
  if ((typeof wizardClass !== 'function' && typeof wizardClass !== 'object') || wizardClass === null) return { schema: undefined }
  let schema: unknown
  try {
    schema = (wizardClass as { configSchema?: unknown }).configSchema
  } catch (error) {
    return { problem: `reading its static configSchema threw ${describeThrown(error)}` }
  }
  if (schema === undefined || schema === null) return { schema: undefined }
  const standard = safeGet(schema, '~standard')
  if (typeof safeGet(standard, 'validate') !== 'function' || safeGet(standard, 'version') !== 1) {
    return {
      problem: `its static configSchema is not a Standard Schema (no "~standard" with version 1 and validate()): ${describeValue(schema)}. Use a library that implements it (Zod 3.24+, Valibot 1, ArkType 2), or remove configSchema to get the parsed file as it is`,
    }
  }
  return { schema: schema as StandardSchemaV1 }
}

/** Validates; the schema's own code may throw, reject or never settle — each is a reason, not a crash. */
export async function validateConfig(schema: StandardSchemaV1, value: unknown, timeoutMs: number | undefined): Promise<Validation> {
  const outcome = await settleWithin(
    Promise.resolve().then(() => schema['~standard'].validate(value)),
    timeoutMs,
  )
  if (outcome === TIMED_OUT)
    return { ok: false, problem: `its configSchema did not finish validating within ${Math.round(timeoutMs! / 100) / 10} s (loadTimeout)` }
  if ('error' in outcome) return { ok: false, problem: `its configSchema threw ${describeThrown(outcome.error)}` }
  const result = outcome.value as unknown
  const issues = safeGet(result, 'issues')
  if (issues === undefined || issues === null || issues === false) {
    if (typeof result !== 'object' || result === null || !('value' in result))
      return { ok: false, problem: `its configSchema returned ${describeValue(result)}, not a Standard Schema result` }
    return { ok: true, value: (result as { value: unknown }).value }
  }
  const list = Array.isArray(issues) ? issues : []
  if (list.length === 0) return { ok: false, issues: [{ message: 'invalid (the schema reported no details)', path: [] }] }
  return { ok: false, issues: list.map(readIssue) }
}

function readIssue(issue: unknown): SchemaIssue {
  const message = safeGet(issue, 'message')
  const rawPath = safeGet(issue, 'path')
  const path = Array.isArray(rawPath)
    ? rawPath.map((segment: unknown) => {
        const key = typeof segment === 'object' && segment !== null ? safeGet(segment, 'key') : segment
        if (typeof key === 'number' || typeof key === 'string') return key
        // A Symbol, a BigInt, an object whose toString throws: shown, never a crash.
        return typeof key === 'symbol' || typeof key === 'bigint' ? String(key) : describeValue(key)
      })
    : []
  return { message: typeof message === 'string' && message !== '' ? message : 'invalid', path }
}

/** `steps[2].timeout`, `["odd key"].x`; the root is `(the whole file)`. */
export function formatConfigPath(path: ConfigPath): string {
  if (path.length === 0) return '(the whole config)'
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}
