import fs from 'node:fs'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Plugin } from 'vite'
import { lastEvent, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'
import { shell } from '../shell.ts'

let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

async function start(files: Record<string, string>, options: Parameters<typeof startTempProject>[0] extends infer O ? Omit<O & object, 'files'> : never = {}) {
  project = await startTempProject({ files, ...options })
  return project
}

const three = {
  'wizards/a_wizard.ts': wizardSource('AWizard', 'a1'),
  'wizards/b_wizard.ts': wizardSource('BWizard', 'b1'),
  'wizards/sub/c_wizard.ts': wizardSource('CWizard', 'c1'),
}

/** Shell text that writes a wizard file the way `wizardSource` does. */
const writeWizard = (file: string, className: string, output: string) =>
  `printf '%s\\n' 'export class ${className} {' '  run(): string {' '    return ${JSON.stringify(output)}' '  }' '}' > ${file}`

describe('the wizard folder deleted and created again', () => {
  test('deleted, then back after a pause (rm -rf; git checkout): each wizard is removed once, then everything loads again and edits work', async () => {
    const p = await start(three)
    await shell(p.root, 'rm -rf wizards')
    await expect
      .poll(() =>
        p.events
          .filter((event) => event.type === 'removed')
          .map((event) => event.payload.wizardId)
          .sort(),
      )
      .toEqual(['a', 'b', 'c'])
    await expect.poll(() => [...p.registry.classes.keys()]).toEqual([])
    await shell(
      p.root,
      `mkdir -p wizards/sub && ${writeWizard('wizards/a_wizard.ts', 'AWizard', 'a2')} && ${writeWizard('wizards/sub/c_wizard.ts', 'CWizard', 'c2')}`,
    )
    await expect.poll(() => [p.registry.run('a'), p.registry.run('c')]).toEqual(['a2', 'c2'])
    p.write('wizards/a_wizard.ts', wizardSource('AWizard', 'a3'))
    p.write('wizards/new_wizard.ts', wizardSource('NewWizard', 'new'))
    await expect.poll(() => [p.registry.run('a'), p.registry.run('new')]).toEqual(['a3', 'new'])
    // Removed exactly once each, unregistered once each.
    expect(
      p.registry.calls
        .filter((call) => call.type === 'unregister')
        .map((call) => call.wizardId)
        .sort(),
    ).toEqual(['a', 'b', 'c'])
  })

  test('deleted and re-created in one go (a branch switch): the final content is registered, and later edits and new files are seen', async () => {
    const p = await start(three)
    await shell(
      p.root,
      `rm -rf wizards && mkdir -p wizards/sub && ${writeWizard('wizards/a_wizard.ts', 'AWizard', 'a2')} && ${writeWizard('wizards/d_wizard.ts', 'DWizard', 'd1')}`,
    )
    await expect
      .poll(() => [p.registry.run('a'), p.registry.run('d'), p.registry.classes.has('b'), p.registry.classes.has('c')])
      .toEqual(['a2', 'd1', false, false])
    for (let round = 1; round <= 3; round++) {
      p.write('wizards/a_wizard.ts', wizardSource('AWizard', `a-edit-${round}`))
      p.write(`wizards/sub/e${round}_wizard.ts`, wizardSource(`E${round}Wizard`, `e${round}`))
      await expect.poll(() => [p.registry.run('a'), p.registry.run(`e${round}`)]).toEqual([`a-edit-${round}`, `e${round}`])
    }
  })

  test('renamed away and back: watching goes on, and what changed meanwhile is loaded', async () => {
    const p = await start(three)
    await shell(p.root, 'mv wizards wizards.away')
    await expect.poll(() => p.registry.classes.size).toBe(0)
    await shell(p.root, `${writeWizard('wizards.away/b_wizard.ts', 'BWizard', 'b2')} && mv wizards.away wizards`)
    await expect.poll(() => [p.registry.run('a'), p.registry.run('b'), p.registry.run('c')]).toEqual(['a1', 'b2', 'c1'])
    p.write('wizards/sub/c_wizard.ts', wizardSource('CWizard', 'c2'))
    await expect.poll(() => p.registry.run('c')).toBe('c2')
  })

  test('a folder named in dirs that does not exist at start (two levels down) is watched once it is created', async () => {
    const p = await start({ 'src/main.ts': 'export {}\n' }, { plugin: { dirs: ['later/wizards'] } })
    expect(p.api.getStatus()).toMatchObject({ watch_dirs: [p.path('later/wizards')] })
    expect(p.logs.some((line) => line.includes('options.dirs: "later/wizards" does not exist (yet)'))).toBe(true)
    await shell(p.root, `mkdir -p later/wizards && ${writeWizard('later/wizards/a_wizard.ts', 'AWizard', 'a1')}`)
    await expect.poll(() => p.registry.run('a')).toBe('a1')
    p.write('later/wizards/a_wizard.ts', wizardSource('AWizard', 'a2'))
    await expect.poll(() => p.registry.run('a')).toBe('a2')
  })
})

describe('what lives inside a watched folder', () => {
  test('symlink loops (self → ., sub/up → ..) are walked never: one warning per link, each file registered once, ready at once', async () => {
    const p = await start(three, {
      beforeStart: (root) => {
        fs.symlinkSync('.', `${root}/wizards/self`)
        fs.symlinkSync('..', `${root}/wizards/sub/up`)
      },
    })
    expect(p.registry.calls.map((call) => call.wizardId).sort()).toEqual(['a', 'b', 'c'])
    expect(Object.values((p.api.getStatus() as { wizards: Record<string, { file: string }> }).wizards).map((entry) => entry.file)).not.toContainEqual(
      expect.stringContaining('/self/'),
    )
    for (const [link, target] of [
      ['wizards/self', 'wizards'],
      ['wizards/sub/up', 'wizards'],
    ]) {
      expect(p.logs.filter((line) => line.includes(`${link} is a symlink to ${target}, a folder on its own path (a loop); it is not watched`))).toHaveLength(1)
    }
    p.write('wizards/a_wizard.ts', wizardSource('AWizard', 'a2'))
    await expect.poll(() => p.registry.run('a')).toBe('a2')
    await p.api.idle()
    expect(p.registry.registerCount('a')).toBe(2)
    // A loop created while running is caught the same way.
    await shell(p.root, 'ln -s .. wizards/sub/up2 && ln -s ../.. wizards/sub/top')
    await expect.poll(() => p.logs.filter((line) => line.includes('wizards/sub/up2 is a symlink to wizards,'))).toHaveLength(1)
    // A link to the project folder itself is named so, not as an empty path.
    await expect.poll(() => p.logs.filter((line) => line.includes('wizards/sub/top is a symlink to . (the project folder),'))).toHaveLength(1)
  })

  test('a folder named like a wizard (foo_wizard.ts/) is not a wizard file; files inside it are', async () => {
    const p = await start({ ...three, 'wizards/foo_wizard.ts/inner_wizard.ts': wizardSource('InnerWizard', 'inner') })
    expect(p.registry.run('inner')).toBe('inner')
    expect(p.events).toEqual([])
    expect(p.api.getStatus()).toMatchObject({ wizards: { inner: { last_error: null } } })
    expect(Object.keys((p.api.getStatus() as { wizards: object }).wizards).sort()).toEqual(['a', 'b', 'c', 'inner'])
    await shell(p.root, 'mkdir wizards/bar_wizard.ts')
    p.write('wizards/b_wizard.ts', wizardSource('BWizard', 'b2'))
    await expect.poll(() => p.registry.run('b')).toBe('b2')
    await p.api.idle()
    expect(p.events.filter((event) => event.type === 'failed')).toEqual([])
  })

  test('editing a .json file or a ?raw text file inside dirs reloads the wizard that imports it', async () => {
    const p = await start({
      'wizards/data/prompts.json': JSON.stringify({ greeting: 'hello' }),
      'wizards/data/banner.txt': 'banner v1',
      'wizards/greet_wizard.ts': `import prompts from './data/prompts.json'\nimport banner from './data/banner.txt?raw'\nexport class GreetWizard { run() { return prompts.greeting + ' / ' + banner } }\n`,
    })
    expect(p.registry.run('greet')).toBe('hello / banner v1')
    p.write('wizards/data/prompts.json', JSON.stringify({ greeting: 'bonjour' }))
    await expect.poll(() => p.registry.run('greet')).toBe('bonjour / banner v1')
    p.write('wizards/data/banner.txt', 'banner v2')
    await expect.poll(() => p.registry.run('greet')).toBe('bonjour / banner v2')
  })
})

describe('one save = one reload = one register call', () => {
  test('another plugin transforming wizard code (enforce: pre) does not multiply reloads', async () => {
    const rewrite: Plugin = {
      name: 'rewrites-wizards',
      enforce: 'pre',
      load(id) {
        if (id.endsWith('_wizard.ts')) return fs.readFileSync(id, 'utf8').replace('__STAMP__', 'stamped')
      },
      transform(code, id) {
        if (id.endsWith('_wizard.ts')) return `${code}\n// transformed by another plugin\n`
      },
    }
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1 __STAMP__') }, { plugins: [rewrite] })
    expect(p.registry.run('debug')).toBe('v1 stamped')
    for (let i = 2; i <= 4; i++) {
      p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', `v${i} __STAMP__`))
      await expect.poll(() => p.registry.run('debug')).toBe(`v${i} stamped`)
      await p.api.idle()
      expect(p.registry.registerCount('debug')).toBe(i)
    }
    expect(p.events.filter((event) => event.type === 'reloaded')).toHaveLength(3)
  })

  test('a failing save written as truncate-then-write is one failure, not a spurious no-class first', async () => {
    // The load of the truncated (empty) file is held until the second half of the save has landed:
    // the write arrives while the empty read is loading, in this order every time.
    let emptyLoadStarted!: () => void
    const emptyLoading = new Promise<void>((resolve) => (emptyLoadStarted = resolve))
    const slowOnEmpty: Plugin = {
      name: 'slow-on-empty',
      enforce: 'pre',
      async transform(code, id) {
        if (!id.endsWith('debug_wizard.ts') || code.trim() !== '') return
        emptyLoadStarted()
        await vi.waitFor(() => expect(fs.readFileSync(id, 'utf8')).not.toBe(''), { timeout: 5000, interval: 5 })
      },
    }
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') }, { plugins: [slowOnEmpty], plugin: { delay: 0 } })
    fs.writeFileSync(p.path('wizards/debug_wizard.ts'), '') // a shell redirect's truncate
    await emptyLoading
    fs.writeFileSync(p.path('wizards/debug_wizard.ts'), 'export class DebugWizard {\n') // and its write
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('syntax')
    await p.api.idle()
    expect(p.events.filter((event) => event.type === 'failed').map((event) => event.payload.error.kind)).toEqual(['syntax'])
    expect(p.registry.run('debug')).toBe('v1')
  })
})

describe('bursts from another process (git checkout)', () => {
  test('100 files: 80 modified, 10 deleted, 10 added, three times — the final content is what is registered', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 90; i++) files[`wizards/w${i}_wizard.ts`] = wizardSource(`W${i}Wizard`, `w${i} r0`)
    const p = await start(files, { plugin: { delay: 20 } })
    let names = Object.keys(files).map((file) => Number(/w(\d+)_/.exec(file)![1]))
    let nextId = 90
    for (let round = 1; round <= 3; round++) {
      const deleted = names.slice(0, 10)
      const kept = names.slice(10)
      const added = Array.from({ length: 10 }, () => nextId++)
      const script = [
        ...deleted.map((i) => `rm wizards/w${i}_wizard.ts`),
        ...kept.map((i) => writeWizard(`wizards/w${i}_wizard.ts`, `W${i}Wizard`, `w${i} r${round}`)),
        ...added.map((i) => writeWizard(`wizards/w${i}_wizard.ts`, `W${i}Wizard`, `w${i} r${round}`)),
      ].join(' && ')
      await shell(p.root, script)
      names = [...kept, ...added]
      const expected = Object.fromEntries(names.map((i) => [`w${i}`, `w${i} r${round}`]))
      await expect.poll(() => Object.fromEntries([...p.registry.classes.keys()].map((id) => [id, p.registry.run(id)])), { timeout: 30_000 }).toEqual(expected)
    }
  })
})

describe('polling', () => {
  test('polling: true picks up edits, new files and deletions without file-system events', async () => {
    const p = await start(three, { plugin: { polling: 50 } })
    expect(p.api.getStatus()).toMatchObject({ polling_ms: 50 })
    p.write('wizards/a_wizard.ts', wizardSource('AWizard', 'a2'))
    p.write('wizards/sub/d_wizard.ts', wizardSource('DWizard', 'd1'))
    p.remove('wizards/b_wizard.ts')
    await expect.poll(() => [p.registry.run('a'), p.registry.run('d'), p.registry.classes.has('b')]).toEqual(['a2', 'd1', false])
  })
})

describe('one wizard id, several paths', () => {
  test('two files with the same id: deleting the registered one hands the id to the other in one reload — never missing', async () => {
    const p = await start({ 'wizards/x/collide_wizard.ts': wizardSource('CollideWizard', 'from x') })
    p.write('wizards/y/collide_wizard.ts', wizardSource('CollideWizard', 'from y'))
    await expect.poll(() => p.registry.run('collide')).toBe('from y')
    expect(p.logs.some((line) => line.includes('both map to the wizard id "collide"'))).toBe(true)
    const unregisters = p.registry.calls.filter((call) => call.type === 'unregister').length
    p.remove('wizards/y/collide_wizard.ts')
    await expect.poll(() => p.registry.run('collide')).toBe('from x')
    await p.api.idle()
    expect(p.registry.calls.filter((call) => call.type === 'unregister').length).toBe(unregisters)
    expect(p.api.getStatus()).toMatchObject({ wizards: { collide: { file: p.path('wizards/x/collide_wizard.ts'), last_error: null } } })
    expect(lastEvent(p.events, 'removed', 'collide')).toBeUndefined()
  })

  test('one file reached by two paths (a file symlink next to a folder symlink) is one wizard: one reload per save, no collision', async () => {
    const p = await start({ 'outside/both_wizard.ts': wizardSource('BothWizard', 'v1'), 'wizards/.keep': '' })
    fs.symlinkSync(p.path('outside/both_wizard.ts'), p.path('wizards/both_wizard.ts'))
    fs.symlinkSync(p.path('outside'), p.path('wizards/outdir'))
    await expect.poll(() => p.registry.run('both')).toBe('v1')
    await p.api.idle()
    const registers = p.registry.registerCount('both')
    for (let i = 2; i <= 3; i++) {
      p.write('outside/both_wizard.ts', wizardSource('BothWizard', `v${i}`))
      await expect.poll(() => p.registry.run('both')).toBe(`v${i}`)
      await p.api.idle()
    }
    expect(p.registry.registerCount('both')).toBe(registers + 2)
    expect(p.logs.some((line) => line.includes('both map to the wizard id'))).toBe(false)
  })
})

describe('the status names what is there now', () => {
  test('a config renamed .yaml → .json → .yaml, and a wizard moved between folders and renamed: status follows each step', async () => {
    const p = (project = await startTempProject({
      plugin: { delay: 50 },
      files: { 'wizards/a/x_wizard.ts': wizardSource('XWizard', 'x'), 'wizards/a/x_wizard.config.yaml': '{ "a": 1 }\n', 'wizards/b/.keep': '' },
    }))
    const status = () => {
      const s = p.api.getStatus()
      return 'wizards' in s ? [s.wizards.x?.file, s.wizards.x?.config_file] : []
    }
    for (let round = 0; round < 3; round++) {
      p.rename('wizards/a/x_wizard.config.yaml', 'wizards/a/x_wizard.config.json')
      await expect.poll(status, { message: `round ${round}: to .json` }).toEqual([p.path('wizards/a/x_wizard.ts'), p.path('wizards/a/x_wizard.config.json')])
      p.rename('wizards/a/x_wizard.config.json', 'wizards/a/x_wizard.config.yaml')
      await expect
        .poll(status, { message: `round ${round}: back to .yaml` })
        .toEqual([p.path('wizards/a/x_wizard.ts'), p.path('wizards/a/x_wizard.config.yaml')])
    }
    p.rename('wizards/a/x_wizard.ts', 'wizards/b/x_wizard.ts')
    p.rename('wizards/a/x_wizard.config.yaml', 'wizards/b/x_wizard.config.yaml')
    await expect.poll(status).toEqual([p.path('wizards/b/x_wizard.ts'), p.path('wizards/b/x_wizard.config.yaml')])
    p.rename('wizards/b/x_wizard.ts', 'wizards/b/XWizard.ts')
    await expect.poll(status).toEqual([p.path('wizards/b/XWizard.ts'), null])
  })
})
