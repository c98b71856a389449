import { structuredPatch } from 'diff'
import type { DiffHunk, WizardDiff } from '../../client/protocol.ts'
import { bounded } from '../errors/limits.ts'

export interface DiffSide {
  version: number
  source: string
  config?: { file: string; source: string }
}

/** A line diff between two versions' code and config files (jsdiff's unified-diff hunks, 3 lines of context). */
export function sourceDiff(wizardId: string, from: DiffSide, to: DiffSide): WizardDiff {
  return {
    wizardId,
    from: from.version,
    to: to.version,
    hunks: hunks(from.source, to.source),
    config: { from: from.config?.file ?? null, to: to.config?.file ?? null, hunks: hunks(from.config?.source ?? '', to.config?.source ?? '') },
  }
}

/** A diff shows at most this many lines, each cut to this width; two sources too far apart are not diffed at all. */
const MAX_DIFF_LINES = 2000
const MAX_DIFF_LINE = 400
const MAX_EDIT_LENGTH = 5000

function hunks(before: string, after: string): DiffHunk[] {
  if (before === after) return []
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 3, maxEditLength: MAX_EDIT_LENGTH, timeout: 2000 })
  if (!patch)
    return [
      {
        oldStart: 1,
        oldLines: 0,
        newStart: 1,
        newLines: 0,
        lines: [` (the two versions differ in more than ${MAX_EDIT_LENGTH} places: too far apart to show as a diff)`],
      },
    ]
  let budget = MAX_DIFF_LINES
  const out: DiffHunk[] = []
  for (const { oldStart, oldLines, newStart, newLines, lines } of patch.hunks) {
    if (budget <= 0) {
      out.push({
        oldStart,
        oldLines: 0,
        newStart,
        newLines: 0,
        lines: [` (… ${patch.hunks.length - out.length} more hunks not shown: the diff is capped at ${MAX_DIFF_LINES} lines)`],
      })
      break
    }
    const shown = lines.slice(0, budget).map((line) => bounded(line, MAX_DIFF_LINE))
    budget -= shown.length
    out.push({ oldStart, oldLines, newStart, newLines, lines: shown })
  }
  return out
}
