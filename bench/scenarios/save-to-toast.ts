// Save → success toast visible in Chromium (the overlay's shadow root, after the next animation frame).
// The page reports through a Playwright binding, so the clock is Node's on both ends.
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from '../../e2e/browser.ts'
import { args, createBenchProject, emit, wizardName } from '../lib/project.ts'
import { startWizardServer } from '../lib/wizard-server.ts'

const options = args()
const count = Number(options.get('wizards') ?? 10)
const delay = Number(options.get('delay') ?? 50)
const runs = Number(options.get('runs') ?? 20)
const warmup = 3

const project = createBenchProject(count)
const wizard = await startWizardServer(project.root, delay, true)
const browser = await chromium.launch(chromiumLaunchOptions())
const samples: number[] = []
try {
  const page = await browser.newPage()
  let seen: ((at: number) => void) | undefined
  await page.exposeFunction('benchToastSeen', () => seen?.(performance.now()))
  const connected = page
    .waitForEvent('websocket')
    .then((socket) => socket.waitForEvent('framereceived', { predicate: (frame) => String(frame.payload).includes('"type":"connected"') }))
  await page.goto(wizard.server.resolvedUrls!.local[0])
  await connected
  await page.waitForFunction(() => Boolean(document.querySelector('wizard-hot-reload-overlay')?.shadowRoot))

  const edits = new Map<number, number>()
  for (let run = 0; run < warmup + runs; run++) {
    const index = run % count
    const expectedCount = (edits.get(index) ?? 0) + 1
    edits.set(index, expectedCount)
    const wizardId = wizardName(index).toLowerCase()
    // Arm an observer in the page for this wizard's toast showing this reload count. (A string:
    // tsx would wrap a function's inner helpers in `__name(…)`, which does not exist in the page.)
    await page.evaluate(`(() => {
      const root = document.querySelector('wizard-hot-reload-overlay').shadowRoot
      const selector = '.toast[data-wizard-id="${wizardId}"][data-toast="reloaded"]'
      const matches = () => [...root.querySelectorAll(selector)].some((toast) => toast.textContent.includes('reload #${expectedCount}'))
      const observer = new MutationObserver(() => {
        if (!matches()) return
        observer.disconnect()
        requestAnimationFrame(() => window.benchToastSeen())
      })
      observer.observe(root, { subtree: true, childList: true, characterData: true })
    })()`)
    const shown = new Promise<number>((resolve) => (seen = resolve))
    const started = performance.now()
    project.writeWizard(index, `t${run}`)
    const at = await shown
    if (run >= warmup) samples.push(at - started)
    await wizard.api.idle()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  emit({ wizards: count, delay, samples })
} finally {
  await browser.close()
  await wizard.close()
  project.remove()
}
