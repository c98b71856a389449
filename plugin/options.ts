import fs from 'node:fs'
import path from 'node:path'
import { displayPath } from './errors/display-path.ts'
import { describeThrown, describeValue } from './errors/thrown-value.ts'
import { defaultIsWizardClass, defaultWizardId } from './files/wizard-files.ts'
import { resolveTrustedOrigins } from './origins/trusted-origins-option.ts'
import type { RegisterWizard, UnregisterWizard, WizardClass } from './types.ts'

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

export const DEFAULT_WIZARD_DIRS = [
  'wizards',
  'coach_wizards',
  'empathy_software_plugin/wizards',
  'empathy_llm_toolkit/wizards',
] as const

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

/** A delay above this many seconds is almost certainly meant in milliseconds. */
const SUSPICIOUS_DELAY_SECONDS = 10

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
    delay: resolveDelay(raw.delay, env.HOT_RELOAD_DELAY, warn),
    wsPath: resolvePath(env.HOT_RELOAD_WS_PATH ?? raw.wsPath, env.HOT_RELOAD_WS_PATH !== undefined ? 'HOT_RELOAD_WS_PATH' : 'wsPath', defaultOptions.wsPath, warn),
    statusPath: resolvePath(raw.statusPath, 'statusPath', defaultOptions.statusPath, warn),
    initialLoad: checkBoolean(raw.initialLoad, 'initialLoad', defaultOptions.initialLoad, warn),
    registerTimeout: checkNonNegative(raw.registerTimeout, 'options.registerTimeout', defaultOptions.registerTimeout, warn),
    loadTimeout: resolveSeconds(raw.loadTimeout, 'options.loadTimeout', env.HOT_RELOAD_LOAD_TIMEOUT, 'HOT_RELOAD_LOAD_TIMEOUT', defaultOptions.loadTimeout, warn),
    polling: resolvePolling(raw.polling, env.HOT_RELOAD_POLLING, warn),
    environment: checkString(raw.environment, 'environment', warn, 'the name of a Vite environment') ?? defaultOptions.environment,
    history: checkCount(raw.history, 'options.history', defaultOptions.history, warn),
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

function resolveDirs(option: unknown, envValue: string | undefined, root: string, warn: (m: string) => void): string[] {
  let source: string
  let entries: string[]
  const fromEnv = envValue === undefined ? [] : envValue.split(',').map((entry) => entry.trim()).filter(Boolean)
  // A list of nothing but commas and blanks names no folder: as if it were unset (the option or the defaults decide).
  if (envValue !== undefined && envValue.trim() !== '' && fromEnv.length === 0) warn(`HOT_RELOAD_WATCH_DIRS="${envValue}" names no folder; ignoring it.`)
  if (fromEnv.length > 0) {
    source = 'HOT_RELOAD_WATCH_DIRS'
    entries = fromEnv
  } else if (option !== undefined) {
    source = 'options.dirs'
    if (!Array.isArray(option) || option.some((entry) => typeof entry !== 'string')) {
      warn(`options.dirs must be an array of folder paths; using the default folders.`)
      return defaultDirs(root)
    }
    entries = option
  } else {
    return defaultDirs(root)
  }
  const dirs: string[] = []
  for (const entry of entries) {
    if (entry.trim() === '') {
      // path.resolve(root, '') is the root: every module of the project would become a wizard candidate.
      warn(`${source}: an empty entry would watch the whole project (${root}); skipping it. To mean the project folder, say "."`)
      continue
    }
    const absolute = path.resolve(root, entry)
    const kind = pathKind(absolute)
    if (kind === 'other') {
      warn(`${source}: "${entry}" is not a folder (${absolute}); skipping it.`)
      continue
    }
    // A folder that does not exist yet is watched for and loaded once it is created.
    if (kind === 'missing') warn(`${source}: "${entry}" does not exist (yet): ${absolute}; it is watched for and its wizards load once it is created.`)
    if (!dirs.includes(absolute)) dirs.push(absolute)
  }
  return dirs
}

function defaultDirs(root: string): string[] {
  return DEFAULT_WIZARD_DIRS.map((dir) => path.resolve(root, dir)).filter(isDirectory)
}

/** The real path; for a folder that does not exist yet, its nearest existing ancestor's real path plus the rest. */
function realpath(dir: string): string {
  try {
    return fs.realpathSync(dir)
  } catch {
    const parent = path.dirname(dir)
    return parent === dir ? dir : path.join(realpath(parent), path.basename(dir))
  }
}

function isDirectory(file: string): boolean {
  return pathKind(file) === 'folder'
}

function pathKind(file: string): 'folder' | 'missing' | 'other' {
  try {
    return fs.statSync(file).isDirectory() ? 'folder' : 'other'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'other'
  }
}

function resolveDelay(option: unknown, envValue: string | undefined, warn: (m: string) => void): number {
  const delay = resolveSeconds(option, 'options.delay', envValue, 'HOT_RELOAD_DELAY', defaultOptions.delay, warn)
  if (envValue !== undefined && delay === Math.round(Number(envValue) * 1000) && Number(envValue) > SUSPICIOUS_DELAY_SECONDS) {
    warn(`HOT_RELOAD_DELAY=${envValue.trim()} is in seconds: every save waits ${formatSeconds(Number(envValue))} before it reloads. For ${envValue.trim()} ms, set HOT_RELOAD_DELAY=${Number(envValue) / 1000}.`)
  }
  return delay
}

/** An option in ms, or its environment variable in seconds (which wins). */
function resolveSeconds(option: unknown, optionName: string, envValue: string | undefined, envName: string, fallback: number, warn: (m: string) => void): number {
  if (envValue !== undefined && envValue.trim() !== '') {
    const seconds = Number(envValue)
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
    warn(`${envName}="${envValue}" is not a number of seconds ≥ 0; ignoring it.`)
  }
  return checkNonNegative(option, optionName, fallback, warn)
}

function resolvePolling(option: unknown, envValue: string | undefined, warn: (m: string) => void): number | false {
  if (envValue !== undefined && envValue.trim() !== '') {
    const value = envValue.trim().toLowerCase()
    if (['true', 'yes', 'on'].includes(value)) return defaultOptions.pollingInterval
    if (['false', 'no', 'off', '0'].includes(value)) return false
    const seconds = Number(value)
    if (Number.isFinite(seconds) && seconds > 0) return Math.max(10, Math.round(seconds * 1000))
    warn(`HOT_RELOAD_POLLING="${envValue}" is not "true", "false" or an interval in seconds; ignoring it.`)
  }
  if (option === undefined || option === false) return false
  if (option === true) return defaultOptions.pollingInterval
  if (typeof option === 'number' && Number.isFinite(option) && option > 0) return Math.max(10, option)
  warn(`options.polling=${shown(option)} must be true, false or an interval in ms; polling is off.`)
  return false
}

function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 6) / 10} min` : `${seconds} s`
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
    let id: unknown
    try {
      id = wizardId(file)
    } catch (error) {
      return skip(file, `threw ${describeThrown(error)}`)
    }
    if (id === null || id === undefined) return null
    if (typeof id !== 'string' || id.trim() === '') return skip(file, `returned ${describeValue(id)} (expected a non-empty string, or null for "not a wizard")`)
    return id
  }
}

function resolvePath(value: unknown, name: string, fallback: string, warn: (m: string) => void): string | false {
  if (value === undefined) return fallback
  if (value === false) return false
  if (typeof value === 'string' && /^\/[^\s?#]*$/.test(value)) return value.length > 1 ? value.replace(/\/+$/, '') : value
  warn(`${name === 'HOT_RELOAD_WS_PATH' ? name : `options.${name}`}=${shown(value)} must be false or a path starting with "/"; using "${fallback}".`)
  return fallback
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

function checkNonNegative(value: unknown, name: string, fallback: number, warn: (m: string) => void): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  warn(`${name}=${shown(value)} must be a number ≥ 0; using ${fallback}.`)
  return fallback
}

function checkCount(value: unknown, name: string, fallback: number, warn: (m: string) => void): number {
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
  warn(`${name}=${shown(value)} must be a whole number ≥ 0; using ${fallback}.`)
  return fallback
}

function checkBoolean(value: unknown, name: string, fallback: boolean, warn: (m: string) => void): boolean {
  if (value === undefined) return fallback
  if (typeof value === 'boolean') return value
  warn(`options.${name}=${shown(value)} must be true or false; using ${fallback}.`)
  return fallback
}

function checkString(value: unknown, name: string, warn: (m: string) => void, what = 'a module path'): string | undefined {
  if (value === undefined || (typeof value === 'string' && value.trim() !== '')) return value as string | undefined
  warn(`options.${name} must be ${what}; ignoring it.`)
  return undefined
}

function checkFunction<T>(value: T | undefined, name: string, warn: (m: string) => void): T | undefined {
  if (value === undefined || typeof value === 'function') return value
  warn(`options.${name} must be a function; ignoring it.`)
  return undefined
}

/** A user's option value in a message: any value (a BigInt, a cycle, a Proxy), never throwing. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  return describeValue(value)
}
