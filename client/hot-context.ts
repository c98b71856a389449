/** The part of Vite's `import.meta.hot` the overlay and the client API use. */
export interface HotContext {
  on(event: string, callback: (payload: never) => void): void
  off?(event: string, callback: (payload: never) => void): void
  send(event: string, data?: unknown): void
}
