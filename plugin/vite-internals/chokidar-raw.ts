import type { FSWatcher } from 'chokidar'

/**
 * chokidar's `raw` event: what `fs.watch` reported, before chokidar's own stat (an undocumented
 * event whose third argument, `details.watchedPath`, is the path chokidar watches with that
 * handle — see chokidar-raw.contract.test.ts). Earlier than `change`, and the only sign that a
 * watched folder itself was renamed or deleted. A handler that gets none still works (later).
 */
export function onRawEvent(watcher: FSWatcher, handler: (event: string, name: string, watchedPath: string) => void): void {
  watcher.on('raw', (event: unknown, name: unknown, details: unknown) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath
    if (typeof event === 'string' && typeof name === 'string' && typeof watchedPath === 'string') handler(event, name, watchedPath)
  })
}
