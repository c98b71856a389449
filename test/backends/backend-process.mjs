// A backend process for the tests: plain Node (no Vite, no TypeScript loader), running the built
// `vite-plugin-wizard-hot-reload/backend` entry. It is told what to do over IPC and answers there.
//   env: BACKEND_ENTRY (path to dist/plugin/backend.js), DEV_SERVER (URL), BACKEND_NAME, BACKEND_ROOT,
//        REFUSE_WIZARD (register returns false for this id), BACKEND_WAIT ("false": do not wait for the sync)
//   IPC: run, state, refuse, hang (register of that id never returns; it sends "registering" first), close,
//        keep (an instance of the registered class, kept like a session), call (a method of the kept instance)
import { pathToFileURL } from 'node:url'

const { connectWizardHotReload } = await import(pathToFileURL(process.env.BACKEND_ENTRY).href)

const wizards = new Map()
/** Instances kept across reloads, as a backend keeps sessions: what selective reload patches into. */
const kept = new Map()
const registrations = []
let refuse = process.env.REFUSE_WIZARD ?? ''
let hang = ''

function register(wizardId, WizardClass, context) {
  registrations.push({ wizardId, version: context.version, config: context.config ?? null })
  if (wizardId === refuse) return false
  if (wizardId === hang) {
    // Mid-reload on purpose: the test hears of it, then kills this process.
    process.send({ type: 'registering', wizardId })
    return new Promise(() => {})
  }
  wizards.set(wizardId, { WizardClass, context })
  return true
}
function unregister(wizardId) {
  wizards.delete(wizardId)
}

const logs = []
const logger = { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) }

// Answers from the start: a test may ask while the backend still waits for the dev server.
process.on('message', async (message) => {
  const answer = (value) => process.send({ type: 'answer', id: message.id, value })
  switch (message.type) {
    case 'run': {
      const entry = wizards.get(message.wizardId)
      if (!entry) return answer({ missing: true })
      try {
        return answer({ output: new entry.WizardClass(entry.context.config).run(), version: entry.context.version, aborted: entry.context.signal.aborted })
      } catch (error) {
        return answer({ error: String(error) })
      }
    }
    case 'keep': {
      const entry = wizards.get(message.wizardId)
      kept.set(message.wizardId, new entry.WizardClass(entry.context.config))
      return answer(true)
    }
    case 'call': {
      const instance = kept.get(message.wizardId)
      return answer({ output: instance[message.method](), sameClass: instance instanceof wizards.get(message.wizardId).WizardClass })
    }
    case 'state':
      return answer({ connected: link?.connected ?? false, wizards: link?.wizards() ?? [], registrations, logs })
    case 'refuse':
      refuse = message.wizardId
      return answer(true)
    case 'hang':
      hang = message.wizardId
      return answer(true)
    case 'close':
      await link?.close()
      answer(true)
      return process.exit(0)
  }
})

let link
try {
  link = await connectWizardHotReload({
    server: process.env.DEV_SERVER,
    register,
    unregister,
    name: process.env.BACKEND_NAME,
    root: process.env.BACKEND_ROOT,
    logger,
    wait: process.env.BACKEND_WAIT !== 'false',
    token: process.env.BACKEND_TOKEN || undefined,
  })
  process.send({ type: 'started' })
} catch (error) {
  process.send({ type: 'refused', message: error.message, logs })
  process.exit(3)
}
