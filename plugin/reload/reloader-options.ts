import type { ViteDevServer } from 'vite'
import type { WizardActionResult } from '../../client/protocol.ts'
import type { ConfigFileOption } from '../config/config-location.ts'
import type { WizardEventSink } from '../notify/event-sink.ts'
import type { RegisterWizard, UnregisterWizard, WizardClass } from '../types.ts'

export interface WizardReloaderOptions<C extends WizardClass = WizardClass> {
  /** A Vite dev server; modules are evaluated by its `environment`'s module runner. */
  server: ViteDevServer
  /** The runnable environment whose module runner loads wizards. @default 'ssr' */
  environment?: string
  register?: RegisterWizard<C>
  unregister?: UnregisterWizard
  /** Milliseconds a `register` call (and a dispose callback) may take. @default 5000 */
  registerTimeout?: number
  /** Milliseconds a module may take to evaluate (`0`: no limit). @default 10000 */
  loadTimeout?: number
  /** @default exported class named `…Wizard`, not `Base…`/`Abstract…`, or an anonymous default export */
  isWizardClass?: (name: string, value: unknown) => boolean
  /** Receives reloaded / failed / removed events. */
  events?: WizardEventSink
  /** Where problems go (a callback that threw, a late register). @default the server's logger */
  warn?: (message: string) => void
  /** Where advice goes — warnings that are no error (two files with one id, a file named like a wizard without a class). @default `warn` */
  advise?: (message: string) => void
  /** Reload attempts kept per wizard (for history and rollback); `0` = none. @default 20 */
  history?: number
  /**
   * How a reload reaches the wizard instances already running: `'replace'` registers the new class
   * (running instances keep the old code); `'patch'` defines the changed members onto the registered
   * class, which stays the same object (they run the new code on their next call), and falls back to
   * replace, saying why, when that would not be faithful. A class may choose for itself with
   * `static hotReload = 'patch' | 'replace'`. @default 'replace'
   */
  instances?: 'patch' | 'replace'
  /** Maps a wizard file to its config file; null = none. @default `<file without extension>.config.{yaml,yml,json,jsonc,toml}` */
  configFile?: ConfigFileOption
}

/** What a rollback did: the version now registered, or why nothing changed. */
export type RollbackOutcome = WizardActionResult

export interface ReloadOptions {
  /** An initial load: no `reloaded` event and it does not count as a reload. */
  initial?: boolean
}
