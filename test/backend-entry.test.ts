import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

/**
 * The backend entry runs in processes that have no Vite (a plain Node API): besides Node's own
 * modules it may load only `vite/module-runner` and a few small libraries. This walks the built
 * entry's import graph, as Node would load it.
 */
const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/plugin/backend.js')
const ALLOWED = new Set(['ws', 'vite/module-runner', 'yaml', 'jsonc-parser', 'smol-toml', '@jridgewell/trace-mapping'])

test('the built backend entry loads nothing of Vite but vite/module-runner', () => {
  expect(fs.existsSync(entry), `${entry} is missing: run "npm run build" first`).toBe(true)
  const seen = new Set<string>()
  const packages = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    // (comments cut out: the docs show imports of the package itself)
    const code = fs
      .readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
    for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier))
      else if (!specifier.startsWith('node:')) packages.add(specifier)
    }
  }
  expect(seen.size).toBeGreaterThan(10)
  expect([...packages].filter((name) => !ALLOWED.has(name))).toEqual([])
  expect(packages).toContain('vite/module-runner')
})
