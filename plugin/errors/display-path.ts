import path from 'node:path'

/** A path for messages: relative to the root when inside it, absolute otherwise. */
export function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file)
  if (relative === '') return '. (the project folder)'
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}
