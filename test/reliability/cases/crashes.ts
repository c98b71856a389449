import fs from 'node:fs'
import { DevServerProcess, type ServerEvent } from '../dev-server-process.ts'
import { check, until, type ReliabilityCase } from '../harness.ts'
import { wizardSource } from '../wizard-files.ts'

/** Each hostile value, as module code that throws it at top level. */
const thrownByModule: Record<string, string> = {
  bigint: 'throw 10n',
  circular: 'const loop = { name: "loop" }; loop.self = loop; throw loop',
  'null-prototype': 'throw Object.assign(Object.create(null), { reason: "bare" })',
  proxy:
    'const trap = () => { throw new Error("trap") }; throw new Proxy({}, { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap, has: trap })',
  'throwing message getter': 'const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw new Error("getter") } }); throw e',
}
const hostileNames = Object.keys(thrownByModule)

let version = 0
/** Writes a working version of the debug wizard and waits until it is what is registered. */
async function healthy(server: DevServerProcess): Promise<string> {
  const output = `v${++version}`
  fs.writeFileSync(server.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', output))
  await until('the fixed version registered', async () => (await server.registry()).outputs.debug, output)
  return output
}

/** Waits for the next failure event of `wizardId` after `before` events, and returns it. */
async function nextFailure(server: DevServerProcess, wizardId: string, before: number): Promise<ServerEvent> {
  const events = await until(
    'a failure event',
    () => server.events(),
    (all) => all.slice(before).some((event) => event.type === 'failed' && event.wizardId === wizardId),
  )
  return events.slice(before).find((event) => event.type === 'failed' && event.wizardId === wizardId)!
}

function controllableServer() {
  return DevServerProcess.start(
    { 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0'), 'wizards/other_wizard.ts': wizardSource('OtherWizard', 'other') },
    { plugin: { dirs: ['wizards'], delay: 0 }, callbacks: true },
  )
}

export const crashCases: ReliabilityCase[] = [
  {
    name: 'crash: register throws a BigInt, circular, null-prototype, Proxy or getter-throwing value',
    tries: hostileNames.length,
    setup: controllableServer,
    async run(attempt, server) {
      const kept = await healthy(server!)
      await server!.control({ register: `throw:${hostileNames[attempt - 1]}` })
      const before = (await server!.events()).length
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', 'refused'))
      const failure = await nextFailure(server!, 'debug', before)
      check(
        failure.error?.kind === 'register' && /^register\("debug"\) threw \S/.test(failure.error.message),
        `unreadable failure: ${JSON.stringify(failure.error)}`,
      )
      check((await server!.registry()).outputs.debug === kept, 'the previous class did not stay registered')
      await server!.control({ register: 'ok' })
      await healthy(server!)
    },
  },
  {
    name: 'crash: a wizard module throws a BigInt, circular, null-prototype, Proxy or getter-throwing value',
    tries: hostileNames.length,
    setup: controllableServer,
    async run(attempt, server) {
      const kept = await healthy(server!)
      const before = (await server!.events()).length
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), `${thrownByModule[hostileNames[attempt - 1]]}\n${wizardSource('DebugWizard', 'never')}`)
      const failure = await nextFailure(server!, 'debug', before)
      check(failure.error?.kind === 'evaluate' && failure.error.message.trim() !== '', `unreadable failure: ${JSON.stringify(failure.error)}`)
      check((await server!.registry()).outputs.debug === kept, 'the previous class did not stay registered')
      await healthy(server!)
    },
  },
  {
    name: 'crash: exports that throw when read (Proxy export, throwing name getter)',
    tries: 2,
    // The default class rule (a custom isWizardClass may well call a Proxy a class).
    setup: () => DevServerProcess.start({ 'wizards/debug_wizard.ts': wizardSource('DebugWizard', 'v0') }, { plugin: { dirs: ['wizards'], delay: 0 } }),
    async run(attempt, server) {
      await healthy(server!)
      const hostileExport =
        attempt === 1
          ? `const trap = () => { throw 10n }\nexport const ProxyWizard = new Proxy(class {}, { get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, ownKeys: trap, has: trap })\nexport class DebugWizard { run() { return 'beside a proxy' } }\n`
          : `const cls = class DebugWizard { run() { return 'nameless' } }\nObject.defineProperty(cls, 'name', { get() { throw new Error('no name') } })\nexport default cls\n`
      fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), hostileExport)
      await until(
        'the wizard next to the hostile export registered',
        async () => (await server!.registry()).outputs.debug,
        attempt === 1 ? 'beside a proxy' : 'nameless',
      )
    },
  },
  {
    name: 'crash: isWizardClass, wizardId and event listeners that throw',
    tries: 3,
    setup: controllableServer,
    async run(attempt, server) {
      await healthy(server!)
      const before = (await server!.events()).length
      if (attempt === 1) {
        await server!.control({ isWizardClass: 'throw:bigint' })
        fs.writeFileSync(server!.path('wizards/debug_wizard.ts'), wizardSource('DebugWizard', 'unjudged'))
        const failure = await nextFailure(server!, 'debug', before)
        check((failure.error?.message ?? '').startsWith('options.isWizardClass threw'), `the failure does not name the option: ${failure.error?.message}`)
        await server!.control({ isWizardClass: 'ok' })
      } else if (attempt === 2) {
        await server!.control({ wizardId: 'throw:circular' })
        fs.writeFileSync(server!.path('wizards/cursed_wizard.ts'), wizardSource('CursedWizard', 'cursed'))
        await until(
          'a warning naming the option and the file',
          async () => (await server!.logs()).some((line) => line.includes('options.wizardId threw') && line.includes('wizards/cursed_wizard.ts')),
          true,
        )
        const status = await server!.get<{ last_error: string | null }>('/api/hot-reload/status')
        check(status.last_error?.includes('options.wizardId threw') === true, `status.last_error does not show it: ${status.last_error}`)
      } else {
        await server!.control({ listener: 'throw:proxy' })
        fs.writeFileSync(server!.path('wizards/other_wizard.ts'), wizardSource('OtherWizard', 'heard'))
        await until('the reload despite the listener', async () => (await server!.registry()).outputs.other, 'heard')
        await until('a warning for the listener', async () => (await server!.logs()).some((line) => line.includes('an event listener threw')), true)
        await server!.control({ listener: 'ok' })
      }
      await healthy(server!)
    },
  },
]
