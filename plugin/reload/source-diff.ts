import { structuredPatch } from 'diff'
import type { DiffHunk, WizardDiff } from '../../client/protocol.ts'

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

function hunks(before: string, after: string): DiffHunk[] {
  if (before === after) return []
  return structuredPatch('a', 'b', before, after, '', '', { context: 3 }).hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({ oldStart, oldLines, newStart, newLines, lines }))
}
