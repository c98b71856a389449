/** Seconds between reconnection attempts: quick at first (a dev server restarting), then every 30 s. */
const STEPS_S = [1, 2, 4, 8, 15, 30]

/**
 * The wait before reconnection attempt `n` (0-based), in milliseconds, with ±20 % jitter so several
 * extensions (or servers) do not retry in step. `random` is injectable for tests.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = STEPS_S[Math.min(attempt, STEPS_S.length - 1)] * 1000
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** A refused link (another project answers on that port, or the pairing was dropped) retries slowly: it may come back. */
export const REFUSED_RETRY_MS = 60_000
