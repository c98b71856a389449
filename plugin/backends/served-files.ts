import fs from 'node:fs'
import path from 'node:path'
import type { RunnableDevEnvironment } from 'vite'

/**
 * What a backend's `fetchModule` may be given: only files Vite's `server.fs` rules allow. The SSR
 * environment itself reads any file (it runs with `skipFsCheck`), so the check comes first — on
 * the file the request resolves to, before anything is read or transformed — and again on what
 * came back, and on the file an error names (a parse error's message and frame quote the file).
 */
export class ServedFiles {
  constructor(
    private readonly environment: () => RunnableDevEnvironment,
    private readonly mayServe: (file: string) => boolean,
  ) {}

  /** The refusal for a request to a file the rules forbid, or undefined when it may be served. */
  async refusalBefore(url: string, importer: string | undefined): Promise<string | undefined> {
    if (isBare(url)) return undefined // a package: externalized, the backend's own Node loads it
    const id = unwrapId(url)
    const resolved = await this.environment().pluginContainer.resolveId(id, importer)
    const file = diskFile(resolved?.id ?? (path.isAbsolute(id) ? id : undefined))
    return file !== undefined && !this.mayServe(file) ? refusal(file) : undefined
  }

  /** The refusal for a result or an error about a file the rules forbid. */
  refusalOf(file: string | undefined | null): string | undefined {
    const onDisk = diskFile(file ?? undefined)
    return onDisk !== undefined && !this.mayServe(onDisk) ? refusal(onDisk) : undefined
  }

  /** The file an error from Vite's pipeline is about (its `id`, or its location's file). */
  static fileOfError(error: unknown): string | undefined {
    if (typeof error !== 'object' || error === null) return undefined
    const { id, loc } = error as { id?: unknown; loc?: { file?: unknown } }
    if (typeof id === 'string') return id
    return typeof loc?.file === 'string' ? loc.file : undefined
  }
}

function refusal(file: string): string {
  return `${file} is not served to backends: Vite's server.fs rules (allow/deny) forbid it`
}

/** Not a path or URL: a package name, a `node:` builtin, a data: URL. */
function isBare(url: string): boolean {
  return !(url.startsWith('/') || url.startsWith('.') || url.startsWith('file:') || path.isAbsolute(url))
}

/** Vite's `/@id/` prefix undone (`__x00__` stands for the NUL of a virtual module). */
function unwrapId(url: string): string {
  const id = url.startsWith('/@id/') ? url.slice('/@id/'.length).replace('__x00__', '\0') : url
  if (!id.startsWith('file:')) return id
  try {
    return new URL(id).pathname
  } catch {
    return id
  }
}

/** The file on disk an id names (its query cut off), or undefined for a virtual module or nothing there. */
function diskFile(id: string | undefined): string | undefined {
  if (id === undefined || id.startsWith('\0')) return undefined
  const file = id.replace(/[?#].*$/, '')
  if (!path.isAbsolute(file)) return undefined
  try {
    return fs.statSync(file).isFile() ? file : undefined
  } catch {
    return undefined
  }
}
