import { checkNonNegative, shown } from './option-checks.ts'

/** A delay above this many seconds is almost certainly meant in milliseconds. */
const SUSPICIOUS_DELAY_SECONDS = 10

export function resolveDelay(option: unknown, envValue: string | undefined, fallback: number, warn: (m: string) => void): number {
  const delay = resolveSeconds(option, 'options.delay', envValue, 'HOT_RELOAD_DELAY', fallback, warn)
  if (envValue !== undefined && delay === Math.round(Number(envValue) * 1000) && Number(envValue) > SUSPICIOUS_DELAY_SECONDS) {
    warn(
      `HOT_RELOAD_DELAY=${envValue.trim()} is in seconds: every save waits ${formatSeconds(Number(envValue))} before it reloads. For ${envValue.trim()} ms, set HOT_RELOAD_DELAY=${Number(envValue) / 1000}.`,
    )
  }
  return delay
}

/** An option in ms, or its environment variable in seconds (which wins). */
export function resolveSeconds(
  option: unknown,
  optionName: string,
  envValue: string | undefined,
  envName: string,
  fallback: number,
  warn: (m: string) => void,
): number {
  if (envValue !== undefined && envValue.trim() !== '') {
    const seconds = Number(envValue)
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
    warn(`${envName}="${envValue}" is not a number of seconds ≥ 0; ignoring it.`)
  }
  return checkNonNegative(option, optionName, fallback, warn)
}

export function resolvePolling(option: unknown, envValue: string | undefined, interval: number, warn: (m: string) => void): number | false {
  if (envValue !== undefined && envValue.trim() !== '') {
    const value = envValue.trim().toLowerCase()
    if (['true', 'yes', 'on'].includes(value)) return interval
    if (['false', 'no', 'off', '0'].includes(value)) return false
    const seconds = Number(value)
    if (Number.isFinite(seconds) && seconds > 0) return Math.max(10, Math.round(seconds * 1000))
    warn(`HOT_RELOAD_POLLING="${envValue}" is not "true", "false" or an interval in seconds; ignoring it.`)
  }
  if (option === undefined || option === false) return false
  if (option === true) return interval
  if (typeof option === 'number' && Number.isFinite(option) && option > 0) return Math.max(10, option)
  warn(`options.polling=${shown(option)} must be true, false or an interval in ms; polling is off.`)
  return false
}

function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 6) / 10} min` : `${seconds} s`
}
