/**
 * The `AbortController` behind a version's `context.signal`, made safe for user listeners: Node's
 * EventTarget rethrows an `abort` listener's error on the next tick as an uncaught exception —
 * a registry's `signal.addEventListener('abort', () => { throw … })` would kill the dev server
 * (or a backend) when the version is replaced. Listeners added to this signal (with
 * `addEventListener` or `onabort`, functions or `{ handleEvent }` objects, sync or async) are
 * called through a guard that hands what they throw (or reject with) to `onListenerError`.
 * A signal derived from it (`AbortSignal.any([signal])`) is a plain one: its listeners are the
 * caller's own to guard.
 */
type Listener = (event: Event) => unknown
type ListenerLike = Listener | { handleEvent(event: Event): unknown }

export function guardedAbortController(onListenerError: (error: unknown) => void): AbortController {
  const controller = new AbortController()
  const signal = controller.signal
  const guarded = new Map<unknown, Listener>()
  const guard = (listener: ListenerLike): Listener =>
    function guardedListener(this: unknown, event: Event) {
      try {
        const result: unknown = typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event)
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          Promise.resolve(result).catch(onListenerError)
        }
      } catch (error) {
        onListenerError(error)
      }
    }
  // (Called as EventTarget's own methods, with whatever the caller passed: invalid arguments fail as they would.)
  const add = EventTarget.prototype.addEventListener as (this: EventTarget, type: string, listener: unknown, options?: unknown) => void
  const remove = EventTarget.prototype.removeEventListener as (this: EventTarget, type: string, listener: unknown, options?: unknown) => void
  Object.defineProperty(signal, 'addEventListener', {
    configurable: true,
    value(type: string, listener: ListenerLike | null, options?: unknown) {
      if (!listener) return add.call(signal, type, listener, options)
      let wrapped = guarded.get(listener)
      if (!wrapped) guarded.set(listener, (wrapped = guard(listener)))
      return add.call(signal, type, wrapped, options)
    },
  })
  Object.defineProperty(signal, 'removeEventListener', {
    configurable: true,
    value(type: string, listener: ListenerLike | null, options?: unknown) {
      return remove.call(signal, type, (listener && guarded.get(listener)) ?? listener, options)
    },
  })
  const onabort = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'onabort')
  let handler: ((this: AbortSignal, event: Event) => unknown) | null = null
  if (onabort?.set && onabort.get) {
    Object.defineProperty(signal, 'onabort', {
      configurable: true,
      get: () => handler,
      set(value: ((this: AbortSignal, event: Event) => unknown) | null) {
        handler = typeof value === 'function' ? value : null
        onabort.set!.call(signal, handler ? guard(handler as Listener) : null)
      },
    })
  }
  return controller
}
