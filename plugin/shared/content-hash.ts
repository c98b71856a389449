import { createHash } from 'node:crypto'

/** A short hash of a text (12 hex digits of its sha256): what history, configs and backends compare sources by. */
export function hashOf(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12)
}
