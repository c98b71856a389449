export const TIMED_OUT = Symbol('timed out')

export type Settled<T> = { value: T } | { error: unknown } | typeof TIMED_OUT

/**
 * How `work` settles, or TIMED_OUT after `ms` (no limit when undefined). The work itself goes on;
 * its later rejection is handled, never unhandled.
 */
export async function settleWithin<T>(work: Promise<T>, ms: number | undefined): Promise<Settled<T>> {
  const settled = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  if (ms === undefined) return settled
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, ms, TIMED_OUT)))
  try {
    return await Promise.race([settled, timeout])
  } finally {
    clearTimeout(timer)
  }
}
