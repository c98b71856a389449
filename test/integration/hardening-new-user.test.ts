import fs from 'node:fs'
import { afterEach, describe, expect, test } from 'vitest'
import { createServer } from 'vite'
import { wizardHotReload } from '../../plugin/plugin.ts'
import { capturingLogger, lastEvent, makeTempDir, startTempProject, TestRegistry, wizardSource, writeFiles, type TempProject } from '../temp-project.ts'
import { portOf } from '../reference-ws-client.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

describe('the plugin listed twice', () => {
  test('in vite.config.ts and again in createServer({ plugins }): the second warns once and stays inert; one save = one register', async () => {
    const root = makeTempDir()
    writeFiles(root, { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'index.html': '<!doctype html><html><head></head><body></body></html>' })
    const first = new TestRegistry()
    const second = new TestRegistry()
    // What the config file would contribute, then the inline plugins (Vite appends them in this order).
    fs.writeFileSync(`${root}/vite.config.mjs`, `export default { plugins: [globalThis.__firstWizardPlugin] }\n`)
    ;(globalThis as Record<string, unknown>).__firstWizardPlugin = wizardHotReload({ dirs: ['wizards'], delay: 0, register: first.register })
    const logs: string[] = []
    const server = await createServer({
      root,
      configFile: `${root}/vite.config.mjs`,
      envDir: false,
      customLogger: capturingLogger(logs),
      server: { host: '127.0.0.1', port: 0 },
      plugins: [wizardHotReload({ dirs: ['wizards'], delay: 0, register: second.register })],
    })
    try {
      await server.listen()
      const [active] = server.config.plugins.filter((plugin) => plugin.name === 'vite-plugin-wizard-hot-reload') as unknown as Array<{
        api: { ready: Promise<void>; idle(): Promise<void> }
      }>
      await active.api.ready
      expect(logs.filter((line) => line.includes('the plugin is listed twice on this server'))).toHaveLength(1)
      fs.writeFileSync(`${root}/wizards/debug_wizard.ts`, wizardSource('DebugWizard', 'v2'))
      await expect.poll(() => first.run('debug')).toBe('v2')
      await active.api.idle()
      expect(first.registerCount('debug')).toBe(2)
      expect(second.calls).toEqual([])
      const html = await (await fetch(`http://127.0.0.1:${portOf(server.httpServer!)}/`)).text()
      expect(html.match(/@wizard-hot-reload\/overlay\.js/g)).toHaveLength(1)
    } finally {
      await server.close()
      delete (globalThis as Record<string, unknown>).__firstWizardPlugin
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('files named like wizards', () => {
  test('a wizard-named file exporting no …Wizard class warns once naming the file and the rule; an anonymous default class is the wizard', async () => {
    const p = (project = await startTempProject({
      files: {
        'wizards/summary_wizard.ts': `export class Summary { run() { return 'summary' } }\n`,
        'wizards/anon_wizard.ts': `export default class { run() { return 'anonymous' } }\n`,
        'wizards/format.ts': `export const shout = (s: string) => s.toUpperCase()\n`,
      },
    }))
    expect(p.registry.run('anon')).toBe('anonymous')
    expect(p.registry.classes.has('summary')).toBe(false)
    const warnings = p.logs.filter((line) => line.includes('is named like a wizard'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('wizards/summary_wizard.ts is named like a wizard but exports no wizard class (exports: Summary)')
    expect(warnings[0]).toContain('Export a class whose name ends with "Wizard"')
    p.write('wizards/summary_wizard.ts', `export class Summary { run() { return 'summary v2' } }\n`)
    p.write('wizards/anon_wizard.ts', `export default class { run() { return 'anonymous v2' } }\n`)
    await expect.poll(() => p.registry.run('anon')).toBe('anonymous v2')
    await p.api.idle()
    expect(p.logs.filter((line) => line.includes('is named like a wizard'))).toHaveLength(1)
  })
})

describe('.js wizards: the parser’s real message and location', () => {
  test.each([
    [
      'unbalanced braces',
      'export class DebugWizard {\n  run() {\n    if (true) {\n      return "x"\n  }\n}\nexport const y = 1\n',
      /SyntaxError: (?!Failed to parse)\S/,
      7,
    ],
    ['an unterminated string', 'export const a = 1\nconst s = "abc\nexport class DebugWizard { run() { return s } }\n', /SyntaxError: Unterminated string/, 2],
    [
      'a syntax error past the lexer',
      'export const a = 1\nlet x = = 2\nexport class DebugWizard { run() { return x } }\n',
      /SyntaxError: (Unexpected token|Expression expected)$/,
      2,
    ],
  ] as const)('%s', async (_name, source, message, line) => {
    const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.js': 'export class DebugWizard { run() { return "v1" } }\n' } }))
    p.write('wizards/debug_wizard.js', source)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('syntax')
    const { error } = lastEvent(p.events, 'failed', 'debug')!
    expect(error.message).toMatch(message)
    expect(error.message).not.toMatch(/Parse failure|Failed to parse source|Parse failed with/)
    expect(error.loc).toMatchObject({ file: p.path('wizards/debug_wizard.js'), line })
    expect(error.frame).toContain(`> ${line} |`)
    expect(p.registry.run('debug')).toBe('v1')
  })

  test('a missing npm package is kind import and points at the import', async () => {
    const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.js': 'export class DebugWizard { run() { return "v1" } }\n' } }))
    p.write('wizards/debug_wizard.js', `import pad from 'left-padz-not-installed'\nexport class DebugWizard { run() { return pad('x', 3) } }\n`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('import')
    expect(lastEvent(p.events, 'failed', 'debug')!.error).toMatchObject({
      message: expect.stringContaining("Cannot find module 'left-padz-not-installed'"),
      loc: { line: 1 },
    })
  })
})

describe('the start line and the status say what is in effect', () => {
  test('HOT_RELOAD_DELAY: the effective delay and folders in the start line; status delay_ms', async () => {
    const p = (project = await startTempProject({ files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') }, env: { HOT_RELOAD_DELAY: '0.25' } }))
    expect(p.logs.some((line) => /loaded 1 wizard from wizards in \d+ ms \(watching, delay 250 ms\)/.test(line))).toBe(true)
    expect(p.api.getStatus()).toMatchObject({ delay_ms: 250, watch_dirs: [p.path('wizards')] })
  })
})

describe('a clean start says nothing alarming', () => {
  test('a base module named like a wizard (base_wizard.ts exporting BaseWizard) gets no warning; advice is never the status’s last_error', async () => {
    const p = (project = await startTempProject({
      plugin: { dirs: ['wizards', 'later'] },
      files: {
        'wizards/base_wizard.ts': 'export abstract class BaseWizard { abstract steps(): string[]; run() { return this.steps().join(" → ") } }\n',
        'wizards/plan_wizard.ts': "import { BaseWizard } from './base_wizard'\nexport class PlanWizard extends BaseWizard { steps() { return ['a', 'b'] } }\n",
        'wizards/summary_wizard.ts': 'export class Summary { run() { return "s" } }\n',
      },
    }))
    expect(p.registry.run('plan')).toBe('a → b')
    expect(p.logs.some((line) => line.includes('base_wizard.ts is named like a wizard'))).toBe(false)
    // Advice is printed (a file named like a wizard without one, a folder not there yet) — but it is no error.
    expect(p.logs.filter((line) => line.includes('summary_wizard.ts is named like a wizard'))).toHaveLength(1)
    expect(p.logs.filter((line) => line.includes('"later" does not exist (yet)'))).toHaveLength(1)
    expect(p.api.getStatus()).toMatchObject({ last_error: null })
  })
})
