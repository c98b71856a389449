/**
 * Every node reachable from `start` by `next`, `start` included, each once (cycles are fine).
 * `stopAt` ends the walk early: the node it is true for is returned alone as `found`.
 */
export function walkGraph<T>(start: Iterable<T>, next: (node: T) => Iterable<T>, stopAt?: (node: T) => boolean): { seen: Set<T>; found?: T } {
  const seen = new Set<T>()
  const queue = [...start]
  while (queue.length > 0) {
    const node = queue.pop()!
    if (seen.has(node)) continue
    seen.add(node)
    if (stopAt?.(node)) return { seen, found: node }
    for (const other of next(node)) queue.push(other)
  }
  return { seen }
}
