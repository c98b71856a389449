import fs from 'node:fs'
import { isBuiltin } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RunnableDevEnvironment } from 'vite'
import { resolveAsFetchModule } from '../vite-internals/module-graph.ts'

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

  /**
   * The file a request will make Vite read, resolved as Vite's `fetchModule` resolves it (no
   * importer; `file://` URLs and `/@id/` ids as they are), and the refusal when the rules forbid
   * it. Requests Vite never reads (data: URLs, builtins, network URLs, packages it externalizes
   * for an importer) have neither.
   */
  async check(url: string, importer: string | undefined): Promise<{ file: string | undefined; refusal: string | undefined }> {
    if (!readsAFile(url, importer)) return { file: undefined, refusal: undefined }
    const id = unwrapId(url)
    const environment = this.environment()
    const file = diskFile(await resolveAsFetchModule(environment, id))
    return { file, refusal: file !== undefined && !this.mayServe(file) ? refusal(file) : undefined }
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

/** Whether Vite's `fetchModule` reads a file for this request (it externalizes the rest without reading them). */
function readsAFile(url: string, importer: string | undefined): boolean {
  if (url.startsWith('data:') || url.startsWith('node:') || isBuiltin(url)) return false
  const isFileUrl = url.startsWith('file://')
  if (!isFileUrl && /^[a-z][a-z\d+.-]*:\/\//i.test(url)) return false
  return isFileUrl || !importer || url[0] === '.' || url[0] === '/'
}

/** Vite's `unwrapId`: the `/@id/` prefix undone (`__x00__` stands for the NUL of a virtual module). */
function unwrapId(url: string): string {
  return url.startsWith('/@id/') ? url.slice('/@id/'.length).replace('__x00__', '\0') : url
}

/** The file on disk an id names (its query cut off; a `file://` URL decoded), or undefined for a virtual module or nothing there. */
function diskFile(id: string | undefined): string | undefined {
  if (id === undefined || id.startsWith('\0')) return undefined
  let file = id.replace(/[?#].*$/, '')
  if (file.startsWith('file:')) {
    try {
      file = fileURLToPath(file)
    } catch {
      return undefined
    }
  }
  if (!path.isAbsolute(file)) return undefined
  try {
    return fs.statSync(file).isFile() ? file : undefined
  } catch {
    return undefined
  }
}
