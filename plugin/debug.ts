/** `DEBUG=vite:wizard-hot-reload` (or `vite:*`) turns this on; otherwise it is undefined and costs nothing. */
export function createDebug(namespace: string): ((message: string) => void) | undefined {
  const wanted = (process.env.DEBUG ?? '').split(',').map((entry) => entry.trim())
  const enabled = wanted.some((entry) => entry === namespace || entry === '*' || (entry.endsWith('*') && namespace.startsWith(entry.slice(0, -1))))
  if (!enabled) return undefined
  return (message) => process.stderr.write(`${new Date().toISOString()} ${namespace} ${message}\n`)
}

export const debug = createDebug('vite:wizard-hot-reload')
