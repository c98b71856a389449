import type { FSWatcher } from 'vite'

/** How long `ready` waits at most for Vite's own watcher to finish its first scan. */
const VITE_WATCHER_READY_MS = 5000

/**
 * Resolves once Vite's own watcher has finished its first scan of the root (chokidar's `ready`):
 * before that, a change to a module outside the wizard folders (a helper in `src/`) is not seen by
 * anyone. Reads chokidar's internal `_readyEmitted` (see vite-internals.contract.test.ts) to tell
 * whether that already happened; a watcher without it (`server.watch: null`) counts as ready.
 * Bounded, so a huge root never holds anything up for long.
 */
export function viteWatcherReady(watcher: FSWatcher, timeoutMs = VITE_WATCHER_READY_MS): Promise<void> {
  const emitted = (watcher as unknown as { _readyEmitted?: unknown })._readyEmitted
  if (emitted !== false) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs)
    timer.unref()
    function done() {
      clearTimeout(timer)
      watcher.off('ready', done)
      resolve()
    }
    watcher.on('ready', done)
  })
}
