import fs from 'node:fs'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import { capturingLogger, makeTempDir, writeFiles } from '../../test/temp-project.ts'
import { afterViteInvalidates, forwardFileEventToVite, importedExports, invalidateFile } from './module-graph.ts'
import { firstParseProblem, lineColumnAt } from './parse-source.ts'

/**
 * What the plugin relies on in Vite beyond its documented API, one test each: if an upgrade
 * changes any of it, this fails loudly instead of the plugin going quietly stale.
 */
let server: ViteDevServer | undefined
let root: string | undefined
const logs: string[] = []
afterEach(async () => {
  await server?.close()
  if (root) fs.rmSync(root, { recursive: true, force: true })
  server = root = undefined
  logs.length = 0
})

async function start(files: Record<string, string>, hmr = false) {
  root = makeTempDir('vite-contract-')
  writeFiles(root, files)
  server = await createServer({ root, configFile: false, envDir: false, appType: 'custom', customLogger: capturingLogger(logs), server: { middlewareMode: true, hmr, ws: false } })
  return { server, root, file: (relative: string) => path.join(root!, relative) }
}

test("Vite's watcher stamps lastInvalidationTimestamp when it invalidates a changed module (afterViteInvalidates waits for it)", async () => {
  const { server, file } = await start({ 'src/a.ts': 'export const a = 1\n' })
  await server.ssrLoadModule(file('src/a.ts'))
  const [mod] = server.environments.ssr.moduleGraph.getModulesByFile(file('src/a.ts'))!
  const before = mod.lastInvalidationTimestamp
  const invalidated = new Promise<void>((resolve) => server.watcher.once('change', () => void afterViteInvalidates(server, file('src/a.ts')).then(resolve)))
  fs.writeFileSync(file('src/a.ts'), 'export const a = 2\n')
  await invalidated
  expect(mod.lastInvalidationTimestamp).not.toBe(before)
  expect(mod.transformResult).toBeNull()
})

test("forwarding a create to every environment's watchChange drops the resolver's cached 'not found'", async () => {
  const { server, file } = await start({ 'wizards/a_wizard.ts': "import { b } from './b.ts'\nexport const a = b\n" })
  await expect(server.ssrLoadModule(file('wizards/a_wizard.ts'))).rejects.toThrow()
  fs.writeFileSync(file('wizards/b.ts'), 'export const b = 2\n')
  await forwardFileEventToVite(server, file('wizards/b.ts'), 'create', (error) => {
    throw error
  })
  invalidateFile(server, file('wizards/a_wizard.ts'))
  expect(await server.ssrLoadModule(file('wizards/a_wizard.ts'))).toMatchObject({ a: 2 })
})

test('after ssrLoadModule, each imported module node holds its exports as ssrModule (importedExports reads them)', async () => {
  const { server, file } = await start({ 'wizards/base.ts': 'export class BaseWizard {}\n', 'wizards/a_wizard.ts': "export { BaseWizard } from './base.ts'\nexport class AWizard {}\n" })
  const exports = await server.ssrLoadModule(file('wizards/a_wizard.ts'))
  const imported = importedExports(server, file('wizards/a_wizard.ts'))
  expect(imported.some((moduleExports) => moduleExports.BaseWizard === exports.BaseWizard)).toBe(true)
})

test('ssrLoadModule logs an evaluation error itself as "Error when evaluating SSR module <file>" (the log filter drops that duplicate)', async () => {
  const { server, file } = await start({ 'wizards/a_wizard.ts': "throw new Error('boom')\n" })
  await expect(server.ssrLoadModule(file('wizards/a_wizard.ts'))).rejects.toThrow('boom')
  expect(logs.some((line) => line.includes(`Error when evaluating SSR module ${file('wizards/a_wizard.ts')}`))).toBe(true)
})

test("Vite ships a parser that names the problem and its offset (parseSync in Vite 8, parseAst in Vite 7)", () => {
  const source = 'export const a = 1\nconst s = "abc\n'
  const problem = firstParseProblem('x.js', source)
  expect(problem?.message).toMatch(/Unterminated string/)
  expect(lineColumnAt(source, problem!.offset)).toEqual({ line: 2, column: 11 })
  expect(firstParseProblem('x.js', 'export const a = 1\n')).toBeUndefined()
})
