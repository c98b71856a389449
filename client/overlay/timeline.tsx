import type { DiffHunk, WizardDiff, WizardHistoryEntry } from '../protocol.ts'
import { formatMs } from './toast-view.tsx'

const PHASES = [
  ['detectMs', 'detect'],
  ['loadMs', 'load'],
  ['registerMs', 'register'],
  ['disposeMs', 'dispose'],
] as const

export interface TimelineActions {
  rollback(version: number): void
  diff(from: number, to: number): void
}

/**
 * One wizard's recent reloads, newest first: time, outcome, a bar split into the phase timings
 * (its length on a square-root scale, so a slow first load leaves the reloads readable), actions.
 */
export function Timeline({ entries, current, actions }: { entries: WizardHistoryEntry[]; current: number | null; actions: TimelineActions }) {
  if (entries.length === 0) return <p class="muted">No reloads recorded yet.</p>
  const longest = Math.max(1, ...entries.map((entry) => entry.durationMs))
  const newestFirst = [...entries].reverse()
  return (
    <>
      <p class="legend" aria-hidden="true">
        {PHASES.map(([, name]) => (
          <span key={name}>
            <i class={`phase ${name}`} />
            {name}
          </span>
        ))}
      </p>
      <ol class="timeline" aria-label="Recent reloads, newest first">
        {newestFirst.map((entry, index) => {
          const older = newestFirst.slice(index + 1).find((other) => other.kept && other.version !== null && other.version !== entry.version)
          return (
            <li key={entry.attempt} class={`entry ${entry.outcome}`} data-outcome={entry.outcome} data-version={entry.version ?? ''}>
              <div class="row">
                <time dateTime={new Date(entry.timestamp).toISOString()}>{new Date(entry.timestamp).toLocaleTimeString()}</time>
                <span class="what">
                  {entry.version !== null && <b>v{entry.version}</b>} {entry.outcome.replace('-', ' ')}
                  {entry.kind && <span class="kind">{entry.kind}</span>}
                </span>
                <span class="meta">{formatMs(entry.durationMs)}</span>
              </div>
              {entry.phases && (
                <div
                  class="bar"
                  role="img"
                  aria-label={PHASES.map(([key, name]) => `${name} ${formatMs(entry.phases![key])}`).join(', ')}
                  style={{ width: `${Math.max(4, 100 * Math.sqrt(entry.durationMs / longest))}%` }}
                >
                  {PHASES.map(([key, name]) => (
                    <span key={key} class={`phase ${name}`} title={`${name} ${formatMs(entry.phases![key])}`} style={{ flexGrow: entry.phases![key] }} />
                  ))}
                </div>
              )}
              {entry.message && <p class="message">{entry.message}</p>}
              {entry.kept && entry.version !== null && (
                <div class="actions">
                  {entry.version !== current && (
                    <button type="button" onClick={() => actions.rollback(entry.version!)}>
                      Roll back to v{entry.version}
                    </button>
                  )}
                  {older && (
                    <button type="button" onClick={() => actions.diff(older.version!, entry.version!)}>
                      Diff v{older.version} → v{entry.version}
                    </button>
                  )}
                </div>
              )}
            </li>
          )
        })}
      </ol>
    </>
  )
}

/** A line diff (unified hunks) as the server computed it: the code, then the config file. */
export function DiffView({ diff }: { diff: WizardDiff }) {
  const config = diff.config
  const noChange = diff.hunks.length === 0 && config.hunks.length === 0
  return (
    <pre class="diff" aria-label={`Changes from v${diff.from} to v${diff.to}`}>
      {noChange && <span>(no changes)</span>}
      <Hunks hunks={diff.hunks} prefix="c" />
      {config.hunks.length > 0 && <span class="hunk">{`config: ${basename(config.from ?? '(none)')} → ${basename(config.to ?? '(none)')}`}</span>}
      <Hunks hunks={config.hunks} prefix="k" />
    </pre>
  )
}

function Hunks({ hunks, prefix }: { hunks: DiffHunk[]; prefix: string }) {
  return (
    <>
      {hunks.flatMap((hunk, index) => [
        <span key={`${prefix}${index}`} class="hunk">{`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`}</span>,
        ...hunk.lines.map((line, n) => (
          <span key={`${prefix}${index}-${n}`} class={line[0] === '+' ? 'add' : line[0] === '-' ? 'del' : undefined}>
            {line}
          </span>
        )),
      ])}
    </>
  )
}

function basename(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1)
}
