import type { HotContext } from './hot-context.ts'
import { WIZARD_EVENTS } from './protocol.ts'
import type { WizardReply, WizardRequest, WizardRequestResults } from './wire.ts'

/** A request without its id: the requester adds one. */
export type WizardRequestInput<T extends WizardRequest['type'] = WizardRequest['type']> = T extends WizardRequest['type']
  ? Omit<Extract<WizardRequest, { type: T }>, 'id'>
  : never

export type Request = <T extends WizardRequest['type']>(request: WizardRequestInput<T> & { type: T }) => Promise<WizardRequestResults[T]>

const TIMEOUT_MS = 15_000
let sequence = 0

export interface Requester {
  request: Request
  /** Stops listening for replies; requests still waiting reject. */
  close(): void
}

/**
 * Sends requests over Vite's HMR socket (`import.meta.hot.send`) and resolves each with the reply
 * that carries its id; an error reply rejects with the server's message.
 */
export function createRequester(hot: HotContext): Requester {
  const waiting = new Map<string, { resolve: (value: never) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>()
  const onReply = ((reply: WizardReply) => {
    const entry = typeof reply?.id === 'string' ? waiting.get(reply.id) : undefined
    if (!entry) return
    waiting.delete(reply.id)
    clearTimeout(entry.timer)
    if (reply.ok) entry.resolve(reply.result as never)
    else entry.reject(new Error(reply.error))
  }) as (payload: never) => void
  hot.on(WIZARD_EVENTS.reply, onReply)
  const close = () => {
    hot.off?.(WIZARD_EVENTS.reply, onReply)
    for (const [id, entry] of waiting) {
      clearTimeout(entry.timer)
      entry.reject(new Error(`"${id}" was not answered: the overlay was closed`))
    }
    waiting.clear()
  }
  const request: Request = (request) =>
    new Promise((resolve, reject) => {
      const id = `${Date.now().toString(36)}-${++sequence}-${Math.random().toString(36).slice(2, 8)}`
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`no answer to "${request.type}" within ${TIMEOUT_MS / 1000} s (is the dev server running?)`))
      }, TIMEOUT_MS)
      waiting.set(id, { resolve: resolve as (value: never) => void, reject, timer })
      hot.send(WIZARD_EVENTS.request, { ...request, id })
    })
  return { request, close }
}
