import path from 'node:path'
import type { DevEnvironment, FSWatcher } from 'vite'
import { afterViteInvalidates } from '../vite-internals/module-graph.ts'

export type ViteFileEvent = 'create' | 'update' | 'delete'

/**
 * Vite's own watcher's changes, for when its `hotUpdate` hook is not called (`server.hmr: false`):
 * each is passed on once Vite has invalidated the module (it does so after an `await` in its own
 * listener: we come after it). Returns the function that stops listening.
 */
export function followViteWatcher(
  watcher: FSWatcher,
  environment: () => DevEnvironment,
  changed: (file: string, type: ViteFileEvent) => Promise<void> | void,
): () => void {
  const after = (type: ViteFileEvent) => (rawFile: string) => {
    const file = path.resolve(rawFile)
    void Promise.resolve(afterViteInvalidates(environment(), file)).then(() => changed(file, type))
  }
  const listeners = { change: after('update'), add: after('create'), unlink: after('delete') }
  for (const [event, listener] of Object.entries(listeners)) watcher.on(event as 'change', listener)
  return () => {
    for (const [event, listener] of Object.entries(listeners)) watcher.off(event as 'change', listener)
  }
}
