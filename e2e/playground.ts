import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { createServer, type ViteDevServer } from 'vite'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const playgroundSource = path.join(repoRoot, 'playground')
// Inside the repository (git-ignored), so the copy resolves the package and its dependencies like the original.
const tempRoot = path.join(repoRoot, '.tmp')

export interface Playground {
  root: string
  url: string
  server: ViteDevServer
  /** Terminal lines the dev server printed. */
  logs: string[]
  path(relative: string): string
  read(relative: string): string
  write(relative: string, content: string): void
  edit(relative: string, change: (code: string) => string): void
  remove(relative: string): void
  /** Opens the page and waits until its HMR socket is connected (so no event can be missed). */
  open(page: Page): Promise<void>
  /**
   * Stops the dev server and starts another on the same folder and port (Ctrl-C, then `vite` again);
   * `server` is the new one. `whileDown` runs in between (say, to see what a client makes of it).
   */
  restart(whileDown?: () => Promise<void> | void): Promise<void>
  close(): Promise<void>
}

export interface PlaygroundOptions {
  /** Change files of the copy before the server starts (e.g. its vite.config.ts). */
  prepare?: (pg: Pick<Playground, 'edit' | 'write' | 'path'>) => void
}

/** Copies the playground to a temp folder (tests never touch tracked files) and starts it on a free port. */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  fs.mkdirSync(tempRoot, { recursive: true })
  const root = fs.mkdtempSync(path.join(tempRoot, 'playground-'))
  fs.cpSync(playgroundSource, root, { recursive: true, filter: (source) => !/node_modules|\.timestamp-/.test(source) })
  const abs = (relative: string) => path.join(root, relative)
  const write = (relative: string, content: string) => {
    fs.mkdirSync(path.dirname(abs(relative)), { recursive: true })
    fs.writeFileSync(abs(relative), content)
  }
  const edit = (relative: string, change: (code: string) => string) => {
    const before = fs.readFileSync(abs(relative), 'utf8')
    const after = change(before)
    if (after === before) throw new Error(`edit of ${relative} changed nothing`)
    fs.writeFileSync(abs(relative), after)
  }
  options.prepare?.({ edit, write, path: abs })

  const logs: string[] = []
  const listen = async (port: number) => {
    const started = await createServer({
      root,
      configFile: abs('vite.config.ts'),
      clearScreen: false,
      logLevel: 'info',
      customLogger: undefined,
      server: { host: '127.0.0.1', port, strictPort: port !== 0 },
    })
    for (const level of ['info', 'warn', 'error'] as const) {
      const original = started.config.logger[level].bind(started.config.logger)
      started.config.logger[level] = (message, logOptions) => {
        logs.push(message)
        if (process.env.E2E_VERBOSE) original(message, logOptions)
      }
    }
    await started.listen()
    return started
  }
  let server = await listen(0)
  const url = server.resolvedUrls!.local[0]

  return {
    root,
    url,
    get server() {
      return server
    },
    logs,
    path: abs,
    read: (relative) => fs.readFileSync(abs(relative), 'utf8'),
    write,
    edit,
    remove: (relative) => fs.rmSync(abs(relative)),
    async open(page) {
      const connected = page
        .waitForEvent('websocket', { predicate: (socket) => !socket.url().includes('/ws/hot-reload') })
        .then((socket) => socket.waitForEvent('framereceived', { predicate: (frame) => String(frame.payload).includes('"type":"connected"') }))
      await page.goto(url)
      await connected
    },
    async restart(whileDown) {
      const port = Number(new URL(url).port)
      await server.close()
      await whileDown?.()
      server = await listen(port)
    },
    async close() {
      await server.close()
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}
