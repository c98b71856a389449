import { describeValue } from '../errors/thrown-value.ts'

// The checks every option goes through: a wrong value is a warning naming the option, and the default stands.

export function checkNonNegative(value: unknown, name: string, fallback: number, warn: (m: string) => void): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  warn(`${name}=${shown(value)} must be a number ≥ 0; using ${fallback}.`)
  return fallback
}

export function checkCount(value: unknown, name: string, fallback: number, warn: (m: string) => void): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  warn(`${name}=${shown(value)} must be a whole number ≥ 0; using ${fallback}.`)
  return fallback
}

export function checkBoolean(value: unknown, name: string, fallback: boolean, warn: (m: string) => void): boolean {
  if (value === undefined) return fallback
  if (typeof value === 'boolean') return value
  warn(`options.${name}=${shown(value)} must be true or false; using ${fallback}.`)
  return fallback
}

export function checkString(value: unknown, name: string, warn: (m: string) => void, what = 'a module path'): string | undefined {
  if (value === undefined || (typeof value === 'string' && value.trim() !== '')) return value as string | undefined
  warn(`options.${name} must be ${what}; ignoring it.`)
  return undefined
}

export function checkFunction<T>(value: T | undefined, name: string, warn: (m: string) => void): T | undefined {
  if (value === undefined || typeof value === 'function') return value
  warn(`options.${name} must be a function; ignoring it.`)
  return undefined
}

/** A user's option value in a message: any value (a BigInt, a cycle, a Proxy), never throwing. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  return describeValue(value)
}

export function resolvePath(value: unknown, name: string, fallback: string, warn: (m: string) => void): string | false {
  if (value === undefined) return fallback
  if (value === false) return false
  if (typeof value === 'string' && /^\/[^\s?#]*$/.test(value)) return value.length > 1 ? value.replace(/\/+$/, '') : value
  warn(`${name === 'HOT_RELOAD_WS_PATH' ? name : `options.${name}`}=${shown(value)} must be false or a path starting with "/"; using "${fallback}".`)
  return fallback
}

export function checkOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T, warn: (m: string) => void): T {
  if (value === undefined) return fallback
  if (allowed.includes(value as T)) return value as T
  warn(`options.${name}=${shown(value)} must be ${allowed.map((entry) => `"${entry}"`).join(' or ')}; using "${fallback}".`)
  return fallback
}
