import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import type { ConfigPath, ConfigPosition, ParseOutcome } from './parsed-config.ts'

/** Aliases expanded at most this often (a "billion laughs" file is an error, not a frozen server). */
const MAX_ALIAS_COUNT = 100

/** YAML through `yaml`: one document, unique keys; errors and keys located by line and column. */
export function parseYaml(source: string): ParseOutcome {
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const at = (offset: number | undefined): ConfigPosition | undefined => {
    if (offset === undefined) return undefined
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }
  const error = doc.errors[0]
  if (error) return { ok: false, message: headline(error.message), position: at(error.pos[0]) }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
  } catch (thrown) {
    return { ok: false, message: thrown instanceof Error ? thrown.message : String(thrown) }
  }
  const locate = (path: ConfigPath): ConfigPosition | undefined => {
    let node = doc.contents as Node | null
    let offset = node?.range?.[0]
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment))
        if (!pair) break
        offset = (pair.key as Node | null)?.range?.[0] ?? offset
        node = pair.value as Node | null
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined
        if (!item) break
        offset = item.range?.[0] ?? offset
        node = item
      } else break
    }
    return at(offset)
  }
  return { ok: true, config: { value: value ?? undefined, locate } }
}

/** yaml's message without its "at line N, column M" tail (the position travels separately). */
function headline(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
}
