import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { builtExtensionDir, extensionDir } from './extension-dir.ts'

const made: string[] = []
afterEach(() => made.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

function installed(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'extension-dir-'))
  made.push(root)
  const pkg = path.join(root, 'node_modules', 'vite-plugin-wizard-hot-reload')
  fs.mkdirSync(path.join(pkg, 'dist', 'plugin', 'cli'), { recursive: true })
  fs.writeFileSync(path.join(root, 'package.json'), '{ "name": "an-app" }')
  fs.writeFileSync(path.join(pkg, 'package.json'), '{ "name": "vite-plugin-wizard-hot-reload" }')
  return pkg
}

test('found from the built CLI through the package’s own package.json, not the project’s', () => {
  const pkg = installed()
  expect(extensionDir(path.join(pkg, 'dist', 'plugin', 'cli', 'main.js'))).toBe(path.join(pkg, 'dist', 'extension'))
})

test('a package without the built extension says so', () => {
  const pkg = installed()
  const from = path.join(pkg, 'dist', 'plugin', 'cli', 'main.js')
  expect(builtExtensionDir(from)).toEqual({ error: expect.stringContaining('the browser extension is not built at') })
  fs.mkdirSync(path.join(pkg, 'dist', 'extension'))
  fs.writeFileSync(path.join(pkg, 'dist', 'extension', 'manifest.json'), '{}')
  expect(builtExtensionDir(from)).toEqual({ dir: path.join(pkg, 'dist', 'extension') })
})
