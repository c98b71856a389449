import path from 'node:path'
import { WebSocket } from 'ws'
import type { WizardReply } from '../../client/wire.ts'
import { BackendSocket, MAX_FRAME_BYTES } from '../backend-link/backend-socket.ts'
import { BACKEND_NONCE_HEADER, BACKEND_PATH, BACKEND_PROTOCOL_VERSION, TOKEN_FILE, type BackendMessage, type ServerMessage } from '../backend-link/protocol.ts'
import { DISCOVERY_FILE, readDiscoveryFile } from '../backend-link/server-discovery.ts'
import { helloOf } from '../backend-link/hello.ts'
import { checkChallenge, findToken, newNonce, sessionKey } from '../backend-link/token.ts'

/** Something the CLI cannot do, said as one line (no stack: it is no bug). */
export class CliError extends Error {}

export interface DevServerTarget {
  /** Where to look for this project's dev server (its token and where it listens, under node_modules/.vite). @default process.cwd() */
  root?: string
  /** The dev server's URL, when it is not the one this project's discovery file names. */
  server?: string
  timeoutMs?: number
}

/**
 * Asks the running dev server of this project one question — over the backend channel, which
 * takes only clients that prove they hold the project's token (after the dev server proved it
 * first), with every frame signed — and returns its reply.
 */
export async function askDevServer(request: { id: string; type: string; [key: string]: unknown }, target: DevServerTarget = {}): Promise<WizardReply> {
  const root = path.resolve(target.root ?? process.cwd())
  const token = findToken({ root })
  if (!('token' in token))
    throw new CliError(
      token.problem.replace(
        '(the dev server writes it when it starts)',
        '(the dev server writes it when it starts): is this a project with vite-plugin-wizard-hot-reload, and has its dev server run?',
      ),
    )
  const server = target.server ?? runningServer(token.from)
  const url = new URL(BACKEND_PATH, server)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  const nonce = newNonce()
  const socket = new WebSocket(url, {
    headers: { [BACKEND_NONCE_HEADER]: nonce },
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handshakeTimeout: 5000,
  })
  const timeoutMs = target.timeoutMs ?? 30_000
  try {
    return await new Promise<WizardReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CliError(`the dev server at ${server} did not answer within ${timeoutMs / 1000} s`)), timeoutMs)
      socket.once('close', () => clearTimeout(timer))
      socket.on('error', (error: NodeJS.ErrnoException) =>
        reject(new CliError(`cannot reach the dev server at ${server} (${error.code ?? error.message}); is it running?`)),
      )
      socket.on('unexpected-response', (_request, response) =>
        reject(
          new CliError(
            `the dev server at ${server} refused the connection (HTTP ${response.statusCode}): is vite-plugin-wizard-hot-reload in its config, with backends on?`,
          ),
        ),
      )
      socket.on('open', () => {
        const wrapped = new BackendSocket(socket)
        let proven = false
        wrapped.onMessage((message) => {
          if (proven) {
            const answer = message as Partial<Extract<ServerMessage, { type: 'answer' }>>
            if (answer.type === 'answer' && answer.reply?.id === request.id) resolve(answer.reply)
            return
          }
          const checked = checkChallenge(message, token.token, nonce, BACKEND_PROTOCOL_VERSION)
          if (!checked.ok) {
            return reject(
              new CliError(
                checked.why === 'protocol'
                  ? `the dev server at ${server} speaks backend protocol ${String(checked.protocol)}, this CLI ${BACKEND_PROTOCOL_VERSION}: use the CLI of the project's own vite-plugin-wizard-hot-reload`
                  : `what answers at ${server} did not prove it holds this project's token (${token.from}): it is not this project's dev server`,
              ),
            )
          }
          proven = true
          wrapped.send(helloOf(token.token, nonce, checked.nonce, { name: 'cli', wizards: {}, role: 'control' }))
          wrapped.sign(sessionKey(token.token, nonce, checked.nonce), 'backend')
          wrapped.send({ type: 'control', request } satisfies BackendMessage)
        })
      })
    })
  } finally {
    socket.terminate()
  }
}

/** The URL of this project's running dev server, from the discovery file beside the token. */
function runningServer(tokenFrom: string): string {
  const file = tokenFrom.endsWith(TOKEN_FILE) ? path.join(tokenFrom.slice(0, -TOKEN_FILE.length), DISCOVERY_FILE) : undefined
  const found = file ? readDiscoveryFile(file) : undefined
  if (!found)
    throw new CliError(`no dev server of this project has recorded where it listens${file ? ` (${file})` : ''}: start it (vite), or pass --server <url>`)
  try {
    process.kill(found.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH')
      throw new CliError(`the dev server that last ran here (pid ${found.pid}, ${found.url}) has stopped: start it (vite), or pass --server <url>`)
  }
  return found.url
}
