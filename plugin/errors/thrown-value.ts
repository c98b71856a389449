import util from 'node:util'

/**
 * What was thrown, read once and defensively: wizard modules and user callbacks may throw anything —
 * a BigInt, a circular or null-prototype object, a Proxy whose traps throw, an Error whose `message`
 * getter throws. Nothing here ever throws, and every string is bounded.
 */
export interface ThrownValue {
  /** True when the value is a genuine Error (of any realm). */
  isError: boolean
  /** `TypeError`, … (undefined for non-errors and plain `Error`s). */
  name: string | undefined
  /** Plain text; for a non-Error, a readable rendering of the value itself. */
  message: string
  stack: string | undefined
  code: string | undefined
  /** Fields Vite and its parsers add to transform errors. */
  plugin: string | undefined
  id: string | undefined
  loc: { file?: string; line: number; column: number } | undefined
  frame: string | undefined
  errors: Array<{ message: string; loc?: { file?: string; line: number; column: number } }> | undefined
}

const MAX_MESSAGE = 2_000
const MAX_STACK = 8_000

export function readThrown(value: unknown): ThrownValue {
  if (!isGenuineError(value)) {
    return {
      isError: false,
      name: undefined,
      message: describeValue(value),
      stack: undefined,
      code: undefined,
      plugin: undefined,
      id: undefined,
      loc: undefined,
      frame: undefined,
      errors: undefined,
    }
  }
  const name = stringField(value, 'name')
  return {
    isError: true,
    name: name && name !== 'Error' ? name : undefined,
    message: bounded(errorMessage(value), MAX_MESSAGE),
    stack: mapDefined(stringField(value, 'stack'), (stack) => bounded(stack, MAX_STACK)),
    code: stringField(value, 'code'),
    plugin: stringField(value, 'plugin'),
    id: stringField(value, 'id'),
    loc: locationField(safeGet(value, 'loc')),
    frame: stringField(value, 'frame'),
    errors: errorsField(safeGet(value, 'errors')),
  }
}

/** "TypeError: boom" for an Error, a rendering of the value otherwise. Never throws. */
export function describeThrown(value: unknown): string {
  const thrown = readThrown(value)
  if (!thrown.isError) return thrown.message
  return thrown.name ? `${thrown.name}: ${thrown.message}` : thrown.message || 'Error'
}

/** `util.inspect` with limits; it renders Proxies without calling their traps and survives cycles. */
export function describeValue(value: unknown): string {
  try {
    return bounded(
      util.inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200, customInspect: false, getters: false }),
      MAX_MESSAGE,
    )
  } catch {
    return 'a value that cannot be displayed'
  }
}

/** Reads a property; a throwing getter or Proxy trap gives undefined. */
export function safeGet(target: unknown, key: PropertyKey): unknown {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return undefined
  try {
    return (target as Record<PropertyKey, unknown>)[key]
  } catch {
    return undefined
  }
}

function isGenuineError(value: unknown): value is object {
  // `instanceof` would call a Proxy's getPrototypeOf trap; isNativeError reads the internal slot.
  return util.types.isNativeError(value)
}

/** An Error's message; one whose getter throws says so (with what the getter threw). */
function errorMessage(error: object): string {
  try {
    const message = (error as { message?: unknown }).message
    return typeof message === 'string' ? message : message === undefined ? '' : describeValue(message)
  } catch (thrown) {
    const inner = safeGet(thrown, 'message')
    return `(its message could not be read: ${typeof inner === 'string' ? inner : describeValue(thrown)})`
  }
}

function stringField(target: unknown, key: string): string | undefined {
  const value = safeGet(target, key)
  return typeof value === 'string' ? value : undefined
}

function locationField(value: unknown): ThrownValue['loc'] {
  const line = safeGet(value, 'line')
  const column = safeGet(value, 'column')
  if (typeof line !== 'number' || typeof column !== 'number') return undefined
  const file = safeGet(value, 'file')
  return typeof file === 'string' ? { file, line, column } : { line, column }
}

function errorsField(value: unknown): ThrownValue['errors'] {
  if (!Array.isArray(value)) return undefined
  return value.slice(0, 10).map((entry) => {
    // oxc (Vite 8) gives { message, loc }; esbuild (Vite 7) gives { text, location }.
    const message = safeGet(entry, 'message') ?? safeGet(entry, 'text')
    const loc = locationField(safeGet(entry, 'loc') ?? safeGet(entry, 'location'))
    return { message: typeof message === 'string' ? bounded(message, MAX_MESSAGE) : describeValue(entry), ...(loc ? { loc } : {}) }
  })
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text
}

function mapDefined<T, U>(value: T | undefined, map: (value: T) => U): U | undefined {
  return value === undefined ? undefined : map(value)
}
