/**
 * The service worker's state that must outlive it (MV3 suspends it when idle; it starts again on the
 * next event): in chrome.storage.session, which lasts as long as the browser runs.
 */

/** Writes `read()` under `key` at most once per `ms`: a burst of 300 events is one write. */
export function throttledWriter(key: string, read: () => unknown, ms = 100): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined
      void chrome.storage.session.set({ [key]: read() })
    }, ms)
  }
}

/** One value under `key`: loaded once at start, saved after each change. */
export function sessionRecord<T extends object>(key: string, empty: T): { load(): Promise<T>; save(value: T): void } {
  return {
    load: async () => ((await chrome.storage.session.get(key))[key] as T | undefined) ?? empty,
    save: (value) => void chrome.storage.session.set({ [key]: value }),
  }
}
