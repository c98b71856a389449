/**
 * A kept version of a wizard, as a module URL: `<file>?wizard-hot-reload-version=N`. The plugin's
 * load hook serves that version's kept source for it — how a rollback to a released class
 * evaluates it again, and how a backend gets the version the dev server serves when it is not the
 * file on disk. Relative imports in it resolve from the file's own folder, as the file's would.
 */
export const KEPT_VERSION_QUERY = 'wizard-hot-reload-version'

export function keptVersionUrl(file: string, version: number): string {
  return `${file}?${KEPT_VERSION_QUERY}=${version}`
}

/** The file and version an id asks for, when it is such a URL. */
export function parseKeptVersionUrl(id: string): { file: string; version: number } | undefined {
  const [file, query = ''] = id.split('?', 2)
  const version = Number(new URLSearchParams(query).get(KEPT_VERSION_QUERY))
  return Number.isInteger(version) && version >= 1 ? { file, version } : undefined
}
