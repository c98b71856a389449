/** What `read` returns, or undefined when it throws (a file system probe: missing, unreadable, not that kind). */
export function attempt<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

/** What a user's callback returned, or what it threw (any value: a BigInt, a Proxy…). */
export function callGuarded<T>(call: () => T): { ok: true; value: T } | { ok: false; thrown: unknown } {
  try {
    return { ok: true, value: call() }
  } catch (thrown) {
    return { ok: false, thrown }
  }
}
