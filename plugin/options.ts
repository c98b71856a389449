import { displayPath } from './errors/display-path.ts'
import { callGuarded } from './shared/attempt.ts'
import { describeThrown, describeValue } from './errors/thrown-value.ts'
import { defaultIsWizardClass, defaultWizardId } from './files/wizard-files.ts'
import { resolveTrustedOrigins } from './origins/trusted-origins-option.ts'
import type { RegisterWizard, UnregisterWizard, WizardClass } from './types.ts'
import { checkBoolean, checkCount, checkFunction, checkNonNegative, checkOneOf, checkString, resolvePath } from './options/option-checks.ts'
import { realpath, resolveDirs } from './options/resolve-dirs.ts'
import { resolveDelay, resolvePolling, resolveSeconds } from './options/resolve-timing.ts'

export { DEFAULT_WIZARD_DIRS } from './options/resolve-dirs.ts'

export type { RegisterWizard, UnregisterWizard } from './types.ts'

export type OverlayPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left'

export interface OverlayOptions {
  /** @default 'bottom-right' */
  position?: OverlayPosition
  /** Milliseconds a success toast stays before it dismisses itself. @default 3000 */
  successTimeout?: number
}

export interface WizardHotReloadOptions<C extends WizardClass = WizardClass> {
  /**
   * Folders to watch (recursively), relative to the Vite root or absolute.
   * Env `HOT_RELOAD_WATCH_DIRS` (comma-separated) wins when set.
   * @default whichever of `wizards`, `coach_wizards`, `empathy_software_plugin/wizards`, `empathy_llm_toolkit/wizards` exist
   */
  dirs?: string[]
  /**
   * The backend's register callback. Returning `false`, throwing or rejecting fails the reload
   * and keeps the previous class.
   */
  register?: RegisterWizard<C>
  /**
   * A module (relative to the root) loaded through the dev server's module graph whose exports
   * `registerWizard` / `unregisterWizard` are used, so a backend that `ssrLoadModule`s the same
   * module shares its registry instance. Used when `register` is not given.
   */
  registry?: string
  /** Called when a wizard's file is deleted. */
  unregister?: UnregisterWizard
  /**
   * Per-file debounce in milliseconds. Env `HOT_RELOAD_DELAY` (seconds) wins when set.
   * @default 50
   */
  delay?: number
  /**
   * Path of the plain WebSocket endpoint speaking the reference protocol; `false` disables it.
   * Env `HOT_RELOAD_WS_PATH` wins when set.
   * @default '/ws/hot-reload'
   */
  wsPath?: string | false
  /** Path of the JSON status endpoint; `false` disables it. @default '/api/hot-reload/status' */
  statusPath?: string | false
  /** Env `HOT_RELOAD_ENABLED` (`true`/`false`) wins when set. @default true */
  enabled?: boolean
  /** Load and register every wizard in `dirs` when the server starts. @default true */
  initialLoad?: boolean
  /** Milliseconds a `register` call may take before the reload counts as failed. @default 5000 */
  registerTimeout?: number
  /**
   * Milliseconds a wizard module (with what it imports) may take to evaluate; a top level that never
   * settles fails with kind `timeout` and the previous class stays. `0`: no limit.
   * Env `HOT_RELOAD_LOAD_TIMEOUT` (seconds) wins when set.
   * @default 10000
   */
  loadTimeout?: number
  /**
   * Poll the wizard folders instead of relying on file-system events — for mounts where events do
   * not arrive (Docker bind mounts, WSL2 `/mnt/*`, network drives). A number is the interval in ms.
   * Env `HOT_RELOAD_POLLING` (`true`/`false`, or the interval in seconds) wins when set.
   * @default false
   */
  polling?: boolean | number
  /** The injected browser overlay; `false` injects nothing. @default true */
  overlay?: boolean | OverlayOptions
  /**
   * Reload attempts kept per wizard, for the overlay's timeline, diffs and rollback (successful
   * ones keep their class and source; sources are capped at 8 MB overall). `0` turns it off.
   * @default 20
   */
  history?: number
  /**
   * How a reload reaches the wizard instances already running. `'replace'` (the default) registers
   * the new class; running instances keep the code they were created with. `'patch'` defines the
   * changed methods, accessors and static methods onto the registered class, which stays the same
   * object — instances run the new code on their next call and keep their fields — and falls back to
   * `'replace'`, saying why, where that would not be faithful (a changed constructor or field,
   * private `#members` in changed code, a changed `extends` …). A class may choose for itself with
   * `static hotReload = 'patch' | 'replace'`.
   */
  instances?: 'patch' | 'replace'
  /**
   * The Vite environment whose module runner loads wizards (`server.environments[name].runner`);
   * it must be runnable in the dev server's process.
   * @default 'ssr'
   */
  environment?: string
  /** Maps a file to a wizard id; `null` means "not a wizard file". @default the documented id rule */
  wizardId?: (file: string) => string | null
  /** Decides which export is the wizard class. @default name ends with `Wizard`, not `Base…`/`Abstract…` */
  isWizardClass?: (name: string, value: unknown) => boolean
  /**
   * Maps a wizard file to its config file (absolute, or relative to the root; `.yaml`, `.yml`,
   * `.json`, `.jsonc` or `.toml`); `null` = it has none. A throw fails that wizard's reload (kind `config`).
   * @default the file without its extension + `.config.{yaml,yml,json,jsonc,toml}` (at most one of them)
   */
  configFile?: (wizardFile: string) => string | null
  /**
   * Accept backend processes (`connectWizardHotReload` from `vite-plugin-wizard-hot-reload/backend`)
   * on the dev server: they present the project's secret, kept under Vite's cache folder.
   * @default true
   */
  backends?: boolean
  /**
   * Origins (`http://localhost:8000`) of pages the dev server does not serve itself that may still
   * get the plugin's events, send the panel's requests (history, diff, rollback, undo, retry) and read
   * the status endpoint — say, an app rendered by a backend on another port. The dev server's own
   * pages need no entry.
   * @default []
   */
  trustedOrigins?: string[]
}

export interface ResolvedOverlayOptions {
  position: OverlayPosition
  successTimeout: number
}

export interface ResolvedWizardHotReloadOptions {
  enabled: boolean
  /** Absolute folders, symlinks resolved (the paths Vite's module graph uses); a configured one may not exist yet. */
  dirs: string[]
  /** The same folders as configured (through symlinks), for telling Vite's watcher to skip them. */
  dirAliases: string[]
  register: RegisterWizard | undefined
  registry: string | undefined
  unregister: UnregisterWizard | undefined
  delay: number
  wsPath: string | false
  statusPath: string | false
  initialLoad: boolean
  registerTimeout: number
  loadTimeout: number
  /** Poll interval in ms, or false for file-system events. */
  polling: number | false
  environment: string
  history: number
  instances: 'patch' | 'replace'
  overlay: ResolvedOverlayOptions | false
  /** The id rule, guarded: a throw or a wrong return value is a warning naming the file, and the file is skipped. */
  wizardId: (file: string) => string | null
  isWizardClass: (name: string, value: unknown) => boolean
  /** Undefined: the default rule (`<file>.config.{yaml,yml,json,jsonc,toml}`). */
  configFile: ((wizardFile: string) => string | null) | undefined
  backends: boolean
  /** Exact origins (`URL.origin`) trusted besides the dev server's own. */
  trustedOrigins: string[]
}

export const defaultOptions = {
  delay: 50,
  wsPath: '/ws/hot-reload',
  statusPath: '/api/hot-reload/status',
  enabled: true,
  initialLoad: true,
  registerTimeout: 5000,
  loadTimeout: 10_000,
  polling: false,
  pollingInterval: 300,
  environment: 'ssr',
  history: 20,
  instances: 'replace',
  overlay: { position: 'bottom-right', successTimeout: 3000 } satisfies ResolvedOverlayOptions,
  wizardId: defaultWizardId,
  isWizardClass: defaultIsWizardClass,
  configFile: undefined,
  backends: true,
} as const

const OVERLAY_POSITIONS: readonly OverlayPosition[] = ['top-right', 'top-left', 'bottom-right', 'bottom-left']

export interface ResolveOptionsContext {
  /** Absolute Vite root. */
  root: string
  /** Environment to read `HOT_RELOAD_*` from. */
  env: Record<string, string | undefined>
  /** Receives one message per invalid value; the default is used instead. */
  warn: (message: string) => void
  /** Receives what a user callback (wizardId, isWizardClass) did wrong when it is called, later on. @default `warn` */
  problem?: (message: string) => void
}

/** Merges user options, environment variables (which win) and defaults. Pure but for reading the file system. */
export function resolveOptions<C extends WizardClass = WizardClass>(
  raw: WizardHotReloadOptions<C> = {},
  { root, env, warn, problem = warn }: ResolveOptionsContext,
): ResolvedWizardHotReloadOptions {
  const enabled = resolveEnabled(raw.enabled, env.HOT_RELOAD_ENABLED, warn)
  const configuredDirs = resolveDirs(raw.dirs, env.HOT_RELOAD_WATCH_DIRS, root, warn)
  const dirs = [...new Set(configuredDirs.map(realpath))]
  const userWizardId = checkFunction(raw.wizardId, 'wizardId', warn)
  return {
    enabled,
    dirs,
    dirAliases: configuredDirs.filter((dir) => !dirs.includes(dir)),
    register: checkFunction(raw.register, 'register', warn) as RegisterWizard | undefined,
    registry: checkString(raw.registry, 'registry', warn),
    unregister: checkFunction(raw.unregister, 'unregister', warn),
    delay: resolveDelay(raw.delay, env.HOT_RELOAD_DELAY, defaultOptions.delay, warn),
    wsPath: resolvePath(
      env.HOT_RELOAD_WS_PATH ?? raw.wsPath,
      env.HOT_RELOAD_WS_PATH !== undefined ? 'HOT_RELOAD_WS_PATH' : 'wsPath',
      defaultOptions.wsPath,
      warn,
    ),
    statusPath: resolvePath(raw.statusPath, 'statusPath', defaultOptions.statusPath, warn),
    initialLoad: checkBoolean(raw.initialLoad, 'initialLoad', defaultOptions.initialLoad, warn),
    registerTimeout: checkNonNegative(raw.registerTimeout, 'options.registerTimeout', defaultOptions.registerTimeout, warn),
    loadTimeout: resolveSeconds(
      raw.loadTimeout,
      'options.loadTimeout',
      env.HOT_RELOAD_LOAD_TIMEOUT,
      'HOT_RELOAD_LOAD_TIMEOUT',
      defaultOptions.loadTimeout,
      warn,
    ),
    polling: resolvePolling(raw.polling, env.HOT_RELOAD_POLLING, defaultOptions.pollingInterval, warn),
    environment: checkString(raw.environment, 'environment', warn, 'the name of a Vite environment') ?? defaultOptions.environment,
    history: checkCount(raw.history, 'options.history', defaultOptions.history, warn),
    instances: checkOneOf(raw.instances, 'instances', ['replace', 'patch'] as const, defaultOptions.instances, warn),
    overlay: resolveOverlay(raw.overlay, warn),
    wizardId: userWizardId ? guardWizardId(userWizardId, root, problem) : defaultOptions.wizardId,
    isWizardClass: checkFunction(raw.isWizardClass, 'isWizardClass', warn) ?? defaultOptions.isWizardClass,
    configFile: checkFunction(raw.configFile, 'configFile', warn),
    backends: checkBoolean(raw.backends, 'backends', defaultOptions.backends, warn),
    trustedOrigins: resolveTrustedOrigins(raw.trustedOrigins, warn),
  }
}

function resolveEnabled(option: unknown, envValue: string | undefined, warn: (m: string) => void): boolean {
  if (envValue !== undefined && envValue.trim() !== '') {
    const value = envValue.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(value)) return true
    if (['false', '0', 'no', 'off'].includes(value)) return false
    warn(`HOT_RELOAD_ENABLED="${envValue}" is not "true" or "false"; ignoring it.`)
  }
  return checkBoolean(option, 'enabled', defaultOptions.enabled, warn)
}

/**
 * The user's id rule, made safe to call anywhere: a throw, or a value that is neither a string nor
 * null, is one warning per file naming the option, and that file is skipped (treated as not a wizard).
 */
function guardWizardId(wizardId: (file: string) => string | null, root: string, warn: (m: string) => void): (file: string) => string | null {
  const warned = new Set<string>()
  const skip = (file: string, problem: string): null => {
    if (!warned.has(file)) {
      warned.add(file)
      warn(`options.wizardId ${problem} for ${displayPath(root, file)}; skipping that file.`)
    }
    return null
  }
  return function guardedWizardId(file) {
    const called = callGuarded(() => wizardId(file))
    if (!called.ok) return skip(file, `threw ${describeThrown(called.thrown)}`)
    const id: unknown = called.value
    if (id === null || id === undefined) return null
    if (typeof id !== 'string' || id.trim() === '') return skip(file, `returned ${describeValue(id)} (expected a non-empty string, or null for "not a wizard")`)
    return id
  }
}

function resolveOverlay(value: unknown, warn: (m: string) => void): ResolvedOverlayOptions | false {
  if (value === undefined || value === true) return { ...defaultOptions.overlay }
  if (value === false) return false
  if (typeof value !== 'object' || value === null) {
    warn(`options.overlay must be a boolean or { position, successTimeout }; using the default overlay.`)
    return { ...defaultOptions.overlay }
  }
  const { position, successTimeout } = value as OverlayOptions
  let resolvedPosition: OverlayPosition = defaultOptions.overlay.position
  if (position !== undefined) {
    if (OVERLAY_POSITIONS.includes(position)) resolvedPosition = position
    else warn(`options.overlay.position="${String(position)}" must be one of ${OVERLAY_POSITIONS.join(', ')}; using "${resolvedPosition}".`)
  }
  return {
    position: resolvedPosition,
    successTimeout: checkNonNegative(successTimeout, 'options.overlay.successTimeout', defaultOptions.overlay.successTimeout, warn),
  }
}
