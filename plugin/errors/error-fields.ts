/**
 * The named fields of a thrown error that survive JSON (Vite's `loc`, `frame`, `plugin`, `id`, a
 * Node `code`, an AggregateError's `errors`): what crosses the backend link. A field that cannot be
 * serialized (a cycle, a BigInt, a throwing getter) is left out.
 */
export function jsonFields(error: object, keys: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const key of keys) {
    try {
      const value = (error as Record<string, unknown>)[key]
      if (value !== undefined) fields[key] = JSON.parse(JSON.stringify(value))
    } catch {
      // not serializable: left out
    }
  }
  return fields
}
