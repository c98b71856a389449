import colors from 'picocolors'
import { patchWords } from '../../client/patch-words.ts'
import type { Logger } from 'vite'
import type { WizardFailedPayload, WizardReloadedPayload, WizardRemovedPayload, WizardRolledBackPayload } from '../../client/protocol.ts'
import { displayPath } from '../errors/display-path.ts'
import type { WizardEventSink } from './event-sink.ts'

export const LOG_PREFIX = '[wizard-hot-reload]'

/** Failures from one broken module arrive together; its frame is printed once per this window. */
const SAME_CAUSE_WINDOW_MS = 2000

/** One terminal line per event, through Vite's logger. */
export class TerminalLog implements WizardEventSink {
  private lastCause: { key: string; at: number } | undefined

  constructor(
    private readonly logger: Logger,
    private readonly root: string,
  ) {}

  info(message: string): void {
    this.logger.info(`${colors.cyan(LOG_PREFIX)} ${message}`, { timestamp: true })
  }

  warn(message: string): void {
    this.logger.warn(`${colors.yellow(LOG_PREFIX)} ${message}`, { timestamp: true })
  }

  error(message: string): void {
    this.logger.error(`${colors.red(LOG_PREFIX)} ${message}`, { timestamp: true })
  }

  reloaded({ wizardId, durationMs, reason, added, configFile, backends, patched: patch, fallback }: WizardReloadedPayload): void {
    const patched = patchWords({ patched: patch, fallback })
    if (patch?.noCodeChange) return this.info(`${colors.green(wizardId)} ${patched}`)
    const what =
      (added
        ? `added in ${durationMs} ms`
        : reason === 'config'
          ? `config reloaded in ${durationMs} ms${configFile ? ` (${this.relative(configFile)})` : ' (config file removed)'}`
          : `reloaded in ${durationMs} ms`) + (patched ? ` — ${patched}` : '')
    if (!backends) return this.info(`${colors.green(wizardId)} ${what}`)
    const range = backends.minMs === null ? '' : backends.minMs === backends.maxMs ? ` (${backends.minMs} ms)` : ` (${backends.minMs}–${backends.maxMs} ms)`
    const line = `${what} · ${backends.ok}/${backends.total} backends${range}`
    if (backends.failed.length === 0) return this.info(`${colors.green(wizardId)} ${line}`)
    const failures = backends.failed.map(({ name, error }) => `${name} failed: ${error.message}`).join('; ')
    this.warn(`${colors.yellow(wizardId)} ${line} — ${failures} (its previous version keeps serving there; the others have the new one)`)
  }

  failed({ wizardId, file, error, keptPreviousVersion }: WizardFailedPayload): void {
    const kept = keptPreviousVersion ? ' (kept previous version)' : ' (not registered)'
    // A broken helper fails every wizard importing it: after the first, one short line each.
    if (error.loc && error.loc.file !== file && error.kind !== 'config') {
      const key = `${error.kind}|${error.message}|${error.loc.file}:${error.loc.line}:${error.loc.column}`
      const now = Date.now()
      const repeat = this.lastCause?.key === key && now - this.lastCause.at < SAME_CAUSE_WINDOW_MS
      this.lastCause = { key, at: now }
      if (repeat) {
        this.error(`${colors.bold(wizardId)} failed: same error in ${this.relative(error.loc.file)}:${error.loc.line}:${error.loc.column}${kept}`)
        return
      }
    }
    const where = error.loc ? `\n  at ${this.relative(error.loc.file)}:${error.loc.line}:${error.loc.column}` : ''
    const frame = error.frame ? `\n${colors.dim(indent(error.frame))}` : ''
    this.error(`${colors.bold(wizardId)} failed: ${error.message}${kept}${where}${frame}`)
  }

  removed({ wizardId, file }: WizardRemovedPayload): void {
    this.info(`${colors.yellow(wizardId)} removed (${this.relative(file)} deleted)`)
  }

  rolledBack({ wizardId, version, file, pinned }: WizardRolledBackPayload): void {
    if (!pinned) return this.info(`${colors.magenta(wizardId)} back at v${version} — what ${this.relative(file)} on disk holds`)
    this.info(`${colors.magenta(wizardId)} rolled back to v${version} — the file on disk is newer (the next save of ${this.relative(file)} reloads it)`)
  }

  relative(file: string): string {
    return displayPath(this.root, file)
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
}
