import { structuredPatch } from 'diff'
import type { WizardDiff } from '../../client/protocol.ts'

/** A line diff between two versions' sources (jsdiff's unified-diff hunks, 3 lines of context). */
export function sourceDiff(wizardId: string, from: { version: number; source: string }, to: { version: number; source: string }): WizardDiff {
  const patch = structuredPatch(`v${from.version}`, `v${to.version}`, from.source, to.source, '', '', { context: 3 })
  return { wizardId, from: from.version, to: to.version, hunks: patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({ oldStart, oldLines, newStart, newLines, lines })) }
}
