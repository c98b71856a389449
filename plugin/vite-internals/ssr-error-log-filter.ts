import type { Logger } from 'vite'
import { stripVTControlCharacters as stripAnsi } from 'node:util'

/**
 * `ssrLoadModule` logs every evaluation error itself ("Error when evaluating SSR module …").
 * While the plugin loads a wizard it reports the failure in one line of its own, so Vite's
 * duplicate is dropped — only for the files the plugin is loading at that moment.
 */
export class SsrErrorLogFilter {
  private readonly loading = new Map<string, number>()
  private restore: (() => void) | undefined

  install(logger: Logger): void {
    if (this.restore) return
    const original = logger.error
    const filter = this
    logger.error = function filteredError(this: Logger, msg, options) {
      if (filter.isOwnEvaluationError(msg)) return
      return original.call(this, msg, options)
    }
    this.restore = () => {
      logger.error = original
    }
  }

  uninstall(): void {
    this.restore?.()
    this.restore = undefined
  }

  /** Vite's log of an evaluation error in `file` is dropped until the returned function is called. */
  begin(file: string): () => void {
    this.loading.set(file, (this.loading.get(file) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.loading.get(file) ?? 1) - 1
      if (left === 0) this.loading.delete(file)
      else this.loading.set(file, left)
    }
  }

  private isOwnEvaluationError(msg: string): boolean {
    if (this.loading.size === 0) return false
    const text = stripAnsi(msg)
    for (const file of this.loading.keys()) {
      if (text.includes(`Error when evaluating SSR module ${file}`)) return true
    }
    return false
  }
}
