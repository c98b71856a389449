/**
 * Runs tasks one at a time per key, in arrival order. A task enqueued with a token that is
 * already waiting (not yet started) under the same key joins it instead of running twice —
 * tasks read their input when they start, so the waiting one will see the latest state.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>()
  private readonly waiting = new Map<string, Map<string, Promise<unknown>>>()

  run<T>(key: string, task: () => Promise<T>, token?: string): Promise<T> {
    let waiting = this.waiting.get(key)
    const joined = token === undefined ? undefined : waiting?.get(token)
    if (joined) return joined as Promise<T>
    if (!waiting) this.waiting.set(key, (waiting = new Map()))
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(() => {
      if (token !== undefined) waiting.delete(token)
      return task()
    })
    if (token !== undefined) waiting.set(token, next)
    const tail = next.then(
      () => {},
      () => {},
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key)
        this.waiting.delete(key)
      }
    })
    return next
  }

  /** Resolves once every task enqueued so far (and those they enqueue) has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values())
  }

  get size(): number {
    return this.tails.size
  }
}
