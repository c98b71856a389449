import type { WizardPatchSummary } from './protocol.ts'

/** Member names in a line: the first few, and how many more. */
function listed(names: string[], max = 4): string {
  const shown = names.slice(0, max).join(', ')
  return names.length > max ? `${shown} and ${names.length - max} more` : shown
}

/**
 * How a reload in patch mode is said, alike in the terminal and the toast: "2 members patched —
 * step2, validate", "no code change", or "class replaced: <why>". Undefined in replace mode.
 */
export function patchWords({ patched: patch, fallback }: { patched?: WizardPatchSummary; fallback?: string }): string | undefined {
  if (fallback) return `class replaced, not patched: ${fallback}`
  if (!patch) return undefined
  if (patch.noCodeChange) return 'no code change (comments or formatting)'
  const parts = [
    patch.changed.length ? `${patch.changed.length} patched — ${listed(patch.changed)}` : '',
    patch.added.length ? `${patch.added.length} added — ${listed(patch.added)}` : '',
    patch.removed.length ? `${patch.removed.length} removed — ${listed(patch.removed)}` : '',
  ].filter(Boolean)
  return parts.length ? `members: ${parts.join('; ')}` : 'members unchanged (a module it imports changed)'
}
