/// <reference types="vite/client" />
// State that survives reloads (import.meta.hot.data), and a timer that does not outlive its version:
// the plugin runs the dispose callback once the next version is registered (never on a failed save).
const data: { loads?: number } = import.meta.hot?.data ?? {}
data.loads = (data.loads ?? 0) + 1

const running = globalThis as { heartbeatTimers?: number }
running.heartbeatTimers = (running.heartbeatTimers ?? 0) + 1
const timer = setInterval(() => {}, 1000)
import.meta.hot?.dispose(() => {
  clearInterval(timer)
  running.heartbeatTimers! -= 1
})

export class HeartbeatWizard {
  static title = 'Heartbeat'

  run(): string {
    const timers = running.heartbeatTimers
    return `load #${data.loads}, ${timers} timer${timers === 1 ? '' : 's'} running`
  }
}
