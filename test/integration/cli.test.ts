import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test } from 'vitest'
import { main } from '../../plugin/cli/main.ts'
import { startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/** The `wizard-hot-reload` command: acts on the running dev server of the project it is run in. */
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/plugin/cli/main.js')
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

async function run(root: string, ...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(
    [...args, '--root', root],
    (line) => out.push(line),
    (line) => err.push(line),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

test('status, history, rollback, undo and retry on the running dev server, found from the project folder', async () => {
  const p = (project = await startTempProject({
    listen: true,
    files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'wizards/plan_wizard.ts': wizardSource('PlanWizard', 'plan') },
  }))
  p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
  await expect.poll(() => p.registry.run('debug')).toBe('v2')
  await p.api.idle()

  const status = await run(p.root, 'status')
  expect(status).toMatchObject({ code: 0, err: '' })
  expect(status.out).toMatch(/^2 wizards, 1 reload\n {2}debug {2}v2 {2}ok\n {2}plan {3}v1 {2}ok$/)
  expect((await run(p.root, 'history', 'debug')).out).toMatch(/#1 {2}v1 .* loaded .*\(kept: rollback possible\)\n {2}#2 {2}v2 .* reloaded/)

  expect(await run(p.root, 'rollback', 'debug', '1')).toMatchObject({
    code: 0,
    out: 'debug: v1 registered (pinned: the file on disk is newer; its next save reloads it)',
  })
  expect(p.registry.run('debug')).toBe('v1')
  expect((await run(p.root, 'status')).out).toContain('debug  v1  pinned at v1 (the file on disk is newer)')
  expect(await run(p.root, 'undo', 'debug')).toMatchObject({ code: 0, out: 'debug: v2 registered (what the file on disk holds)' })
  expect(await run(p.root, 'retry', 'debug')).toMatchObject({ code: 0, out: 'debug: v3 registered from the file on disk' })

  // Refusals are exit 1 with the dev server's reason; nothing changes.
  expect(await run(p.root, 'rollback', 'debug', '99')).toMatchObject({ code: 1, err: expect.stringContaining('debug v99 is not kept in the history') })
  expect(await run(p.root, 'undo', 'nope')).toMatchObject({ code: 1, err: expect.stringContaining('no wizard "nope"') })
  const json = await run(p.root, 'status', '--json')
  expect(JSON.parse(json.out)).toMatchObject({ enabled: true, wizards: { debug: { version: 3 } } })
  // The CLI is no backend: the status lists none.
  expect(p.api.getStatus()).toMatchObject({ backends: [] })
})

test('usage errors and a project with no running dev server are said in one line (exit 2)', async () => {
  expect(await run('/', 'frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') })
  expect(await run('/', 'rollback', 'debug')).toMatchObject({ code: 2, err: expect.stringContaining('rollback needs a version number') })
  const p = (project = await startTempProject({ listen: true, files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  await p.stop()
  const stopped = await run(p.root, 'status')
  expect(stopped.code).toBe(2)
  expect(stopped.err).toMatch(/no dev server of this project has recorded where it listens|has stopped|cannot reach the dev server/)
  const elsewhere = await run(path.dirname(p.root), 'status')
  expect(elsewhere).toMatchObject({ code: 2, err: expect.stringContaining('no token') })
})

test('the built command runs as installed: `wizard-hot-reload status`', async () => {
  expect(fs.existsSync(CLI), 'npm run build first').toBe(true)
  const p = (project = await startTempProject({ listen: true, files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') } }))
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [CLI, 'status'], { cwd: p.root }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  )
  expect(output).toBe('1 wizard, 0 reloads\n  debug  v1  ok\n')
})

test('`wizard-hot-reload extension` prints the folder of the built browser extension (manifest.json at its root), from source and built alike', async () => {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/extension')
  expect(await run('/', 'extension')).toEqual({ code: 0, out: dir, err: '' })
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [CLI, 'extension'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  )
  expect(output).toBe(`${dir}\n`)
  const manifest = JSON.parse(fs.readFileSync(path.join(output.trim(), 'manifest.json'), 'utf8')) as {
    manifest_version: number
    background: { service_worker: string }
  }
  expect(manifest.manifest_version).toBe(3)
  expect(fs.existsSync(path.join(dir, manifest.background.service_worker))).toBe(true)
})
