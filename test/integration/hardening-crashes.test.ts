import { afterEach, describe, expect, test } from 'vitest'
import { lastEvent, startTempProject, wizardSource, type TempProject } from '../temp-project.ts'

/**
 * Nothing a wizard module or a user callback throws may crash the dev server: every value becomes
 * a readable failure, the previous class keeps serving, and the server keeps watching. (Vitest
 * fails a run on any unhandled rejection or uncaught exception, so each of these also proves none
 * escaped.)
 */
let project: TempProject | undefined
afterEach(async () => {
  await project?.close()
  project = undefined
})

async function start(files: Record<string, string>, plugin = {}) {
  project = await startTempProject({ files, plugin })
  return project
}

/** Module code that throws each hostile value at top level. */
const hostileValues: Array<[string, string, RegExp]> = [
  ['a BigInt', 'throw 10n', /10n/],
  ['a circular object', 'const loop = { name: "loop" }; loop.self = loop; throw loop', /Circular/],
  ['a null-prototype object', 'throw Object.assign(Object.create(null), { reason: "bare" })', /null prototype.*bare/],
  [
    'a Proxy whose traps throw',
    'const trap = () => { throw new Error("trap") }; throw new Proxy({}, { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap, has: trap })',
    /\{\}|trap/,
  ],
  [
    'an Error whose message getter throws',
    'const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw new Error("getter") } }); throw e',
    /\(its message could not be read: getter\)/,
  ],
]

describe('a wizard module that throws something that is not an Error', () => {
  test.each(hostileValues)('%s at top level: an evaluate failure with a readable message; the old class keeps serving', async (_name, code, pattern) => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.write('wizards/debug_wizard.ts', `${code}\nexport class DebugWizard { run() { return 'v2' } }\n`)
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('evaluate')
    const failure = lastEvent(p.events, 'failed', 'debug')!
    expect(failure.error.message).toMatch(pattern)
    expect(failure.error.message).not.toBe('')
    expect(p.registry.run('debug')).toBe('v1')
    expect(p.api.getStatus()).toMatchObject({ wizards: { debug: { last_error: failure.error.message } } })
    // Still watching.
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
  })
})

describe('a register callback that throws something that is not an Error', () => {
  test.each(hostileValues)('%s: a register failure with a readable message; the old class stays registered', async (_name, code, pattern) => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.registry.behaviour = () => new Function(code)() as boolean
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => lastEvent(p.events, 'failed', 'debug')?.error.kind).toBe('register')
    const failure = lastEvent(p.events, 'failed', 'debug')!
    expect(failure.error.message).toMatch(/^register\("debug"\) threw /)
    expect(failure.error.message).toMatch(pattern)
    expect(p.registry.run('debug')).toBe('v1')
    expect(() => JSON.stringify(p.api.getStatus())).not.toThrow()

    p.registry.behaviour = () => true
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
  })
})

describe('exports that throw when looked at', () => {
  test('a Proxy export with throwing traps, a default export whose name getter throws: not wizard classes, never a crash', async () => {
    const p = await start({
      'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'),
      'wizards/proxy_wizard.ts': `const trap = () => { throw new Error('trap') }\nexport const ProxyWizard = new Proxy(class {}, { get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, ownKeys: trap, has: trap })\nexport class RealWizard { run() { return 'real' } }\n`,
      'wizards/named_wizard.ts': `const cls = class NamedWizard { run() { return 'named' } }\nObject.defineProperty(cls, 'name', { get() { throw new Error('no name') } })\nexport default cls\n`,
    })
    expect(p.registry.run('proxy')).toBe('real')
    // An anonymous-looking default class is the wizard of its file.
    expect(p.registry.run('named')).toBe('named')
    p.write(
      'wizards/proxy_wizard.ts',
      `const trap = () => { throw 10n }\nexport const ProxyWizard = new Proxy(class {}, { get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, ownKeys: trap, has: trap })\n`,
    )
    await expect.poll(() => lastEvent(p.events, 'failed', 'proxy')?.error.kind).toBe('no-class')
    expect(p.registry.run('proxy')).toBe('real')
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
  })
})

describe('user callbacks that throw', () => {
  test('isWizardClass throwing fails that reload with a message naming the option', async () => {
    let explode = false
    const p = await start(
      { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
      {
        isWizardClass: (name: string) => {
          if (explode) throw Object.assign(Object.create(null), { why: 'custom rule broke' })
          return name.endsWith('Wizard')
        },
      },
    )
    explode = true
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect
      .poll(() => lastEvent(p.events, 'failed', 'debug')?.error.message)
      .toMatch(/^options\.isWizardClass threw for the export "DebugWizard": .*custom rule broke/)
    expect(p.registry.run('debug')).toBe('v1')
    explode = false
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
  })

  test('wizardId throwing is a warning naming the option and the file; that file is skipped, the rest works; status shows it', async () => {
    const p = await start(
      { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1'), 'wizards/cursed_wizard.ts': wizardSource('CursedWizard', 'never') },
      {
        wizardId: (file: string) => {
          if (file.includes('cursed')) throw 10n
          return file.endsWith('_wizard.ts') ? file.split('/').pop()!.replace('_wizard.ts', '') : null
        },
      },
    )
    expect(p.registry.run('debug')).toBe('v1')
    expect(p.registry.classes.has('cursed')).toBe(false)
    const warning = 'options.wizardId threw 10n for wizards/cursed_wizard.ts; skipping that file.'
    expect(p.logs.filter((line) => line.includes(warning))).toHaveLength(1)
    expect(p.api.getStatus()).toMatchObject({ last_error: warning })
    // Its timer-driven path (a save) does not throw either, and warns no more than once.
    p.write('wizards/cursed_wizard.ts', wizardSource('CursedWizard', 'still never'))
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    await p.api.idle()
    expect(p.logs.filter((line) => line.includes(warning))).toHaveLength(1)
  })

  test('event listeners that throw or reject are warnings; other listeners and later reloads are unaffected', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.api.addSink({
      reloaded: () => {
        throw 10n
      },
    })
    p.api.addSink({
      reloaded: (async () => {
        throw Object.create(null)
      }) as () => void,
    })
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => lastEvent(p.events, 'reloaded', 'debug')?.reloadCount).toBe(1)
    await expect.poll(() => p.logs.filter((line) => line.includes('an event listener threw'))).toHaveLength(2)
    expect(p.logs.some((line) => line.includes('an event listener threw 10n'))).toBe(true)
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v3'))
    await expect.poll(() => p.registry.run('debug')).toBe('v3')
  })

  test("another plugin's watchChange hook that throws does not stop reloads", async () => {
    project = await startTempProject({
      files: { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') },
      plugins: [
        {
          name: 'throws-in-watch-change',
          watchChange() {
            throw 10n
          },
        },
      ],
    })
    const p = project
    p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', 'v2'))
    await expect.poll(() => p.registry.run('debug')).toBe('v2')
    expect(p.logs.some((line) => line.includes("a plugin's watchChange hook threw for debug_wizard.ts") && line.includes('10n'))).toBe(true)
  })
})

describe('a registry whose context.signal listener throws', () => {
  test('the next save aborts that version: a warning naming the wizard, and the dev server goes on', async () => {
    const p = await start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v1') })
    p.registry.behaviour = (_id, context) => {
      context?.signal.addEventListener('abort', () => {
        throw new Error('listener boom')
      })
      context?.signal.addEventListener('abort', () => {
        throw 42n
      })
      return true
    }
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.prependListener('uncaughtException', onUncaught)
    try {
      for (const version of ['v2', 'v3']) {
        p.write('wizards/debug_wizard.ts', wizardSource('DebugWizard', version))
        await expect.poll(() => p.registry.run('debug')).toBe(version)
      }
      await expect.poll(() => p.logs.filter((line) => line.includes('a listener on context.signal threw')).length).toBe(2)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
    expect(uncaught).toEqual([])
    expect(p.logs.find((line) => line.includes('debug v2: a listener on context.signal threw'))).toContain('listener boom')
    expect(p.logs.some((line) => line.includes('debug v2: a listener on context.signal threw 42n'))).toBe(true)
  })
})
