import type { HotReloadStatus } from '../../client/protocol.ts'
import type { WizardReply } from '../../client/wire.ts'
import type { BackendSocket } from '../backend-link/backend-socket.ts'
import type { ServerMessage } from '../backend-link/protocol.ts'
import { answerRequest, type RequestHandlers } from './page-requests.ts'

/**
 * A proven control client on the backend channel (the `wizard-hot-reload` command): it asks what
 * the panel asks — through the same validated path — and the status. It loads nothing.
 */
export function serveControlRequests(socket: BackendSocket, handlers: RequestHandlers, status: () => HotReloadStatus): void {
  socket.onMessage((message) => {
    const { type, request } = message as { type?: unknown; request?: unknown }
    if (type !== 'control') return
    const { id, type: asked } = (typeof request === 'object' && request !== null ? request : {}) as { id?: unknown; type?: unknown }
    const answered: Promise<WizardReply> =
      asked === 'status' ? Promise.resolve({ id: String(id ?? ''), ok: true, result: status() } as unknown as WizardReply) : answerRequest(handlers, request)
    void answered.then((reply) => socket.send({ type: 'answer', reply } satisfies ServerMessage))
  })
}
