// Types Vite's `import.meta.hot.on` / `server.ws.send` with the protocol's payloads.
import type {} from 'vite/types/customEvent.d.ts'
import type { WizardEventMap } from './protocol.ts'

declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap extends WizardEventMap {}
}
