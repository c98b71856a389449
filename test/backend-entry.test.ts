import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'acorn'
import { expect, test } from 'vitest'

/**
 * The backend entry runs in processes that have no Vite (a plain Node API): besides Node's own
 * modules it may load only `vite/module-runner` and a few small libraries. This walks the built
 * entry's import graph, as Node would load it (parsed, so strings that look like imports are not).
 */
const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/plugin/backend.js')
const ALLOWED = new Set(['ws', 'vite/module-runner', 'yaml', 'jsonc-parser', 'smol-toml', '@jridgewell/trace-mapping', 'acorn'])

/** Every module specifier a file loads: static imports, re-exports and `import('literal')`. */
function specifiersOf(code: string): string[] {
  const found: string[] = []
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return
    if (Array.isArray(node)) return node.forEach(visit)
    const record = node as { type?: string; source?: { type?: string; value?: unknown } }
    const loads = ['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].includes(record.type ?? '')
    if (loads && record.source?.type === 'Literal' && typeof record.source.value === 'string') found.push(record.source.value)
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value)
  }
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }))
  return found
}

test('the built backend entry loads nothing of Vite but vite/module-runner', () => {
  expect(fs.existsSync(entry), `${entry} is missing: run "npm run build" first`).toBe(true)
  const seen = new Set<string>()
  const packages = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    for (const specifier of specifiersOf(fs.readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier))
      else if (!specifier.startsWith('node:')) packages.add(specifier)
    }
  }
  expect(seen.size).toBeGreaterThan(10)
  expect([...packages].filter((name) => !ALLOWED.has(name))).toEqual([])
  expect(packages).toContain('vite/module-runner')
})
