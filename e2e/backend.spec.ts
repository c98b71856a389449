import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect, screenshotWhenSettled, test, toast } from './fixtures.ts'
import { startPlayground, type Playground } from './playground.ts'

const screenshotDir = process.env.UPDATE_DOCS_SCREENSHOTS ? path.resolve('docs') : path.resolve('test-results/screenshots')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

// The playground's second demo (`npm run playground:backend`): the page calls a plain Node API
// process (playground/backend/api.mjs, not inside Vite) through Vite's proxy; its wizards are
// hot-reloaded from the dev server.
test('a wizard edit reaches the API in its own process: the toast counts it, the page shows its new output, no restart', async ({ page }) => {
  const apiPort = await freePort()
  process.env.PLAYGROUND_BACKEND_URL = `http://127.0.0.1:${apiPort}`
  let playground: Playground | undefined
  let api: ChildProcess | undefined
  const apiLog: string[] = []
  try {
    playground = await startPlayground()
    const backendScript = path.join(playground.root, 'backend/api.mjs')
    api = spawn(process.execPath, [backendScript], {
      env: { ...process.env, PORT: String(apiPort), DEV_SERVER: playground.url },
      cwd: path.resolve('.'),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    api.stdout!.on('data', (chunk) => apiLog.push(String(chunk)))
    api.stderr!.on('data', (chunk) => apiLog.push(String(chunk)))
    await expect.poll(() => apiLog.join('')).toContain('wizards registered from the dev server')

    await playground.open(page)
    const backend = page.getByTestId('backend')
    await expect(backend).toBeVisible()
    const pid = await backend.getAttribute('data-pid')
    expect(Number(pid)).toBe(api.pid)
    await expect(page.getByTestId('backend-output-greeting')).toHaveText('Hello from the greeting wizard')

    playground.edit('wizards/greeting_wizard.ts', (code) => code.replace('Hello from the greeting wizard', 'Hello from a separate process'))
    const success = toast(page, 'greeting', 'reloaded')
    await expect(success.locator('.title')).toHaveText('greeting reloaded in 1/1 backends')
    await expect(page.getByTestId('backend-output-greeting')).toHaveText('Hello from a separate process')
    await expect(page.getByTestId('backend-version-greeting')).toHaveText('v2')
    await expect(page.getByTestId('output-greeting')).toHaveText('Hello from a separate process') // the dev server's own API too
    await expect(backend).toHaveAttribute('data-pid', pid!) // the same process: no restart
    fs.mkdirSync(screenshotDir, { recursive: true })
    await page.getByTestId('backend-output-greeting').scrollIntoViewIfNeeded()
    await screenshotWhenSettled(page, path.join(screenshotDir, 'overlay-backends.png'))

    // The status endpoint lists it.
    const status = (await (await fetch(new URL('/api/hot-reload/status', playground.url))).json()) as { backends: Array<{ name: string; pid: number }> }
    expect(status.backends).toMatchObject([{ name: 'api', pid: api.pid }])
  } finally {
    delete process.env.PLAYGROUND_BACKEND_URL
    api?.kill('SIGTERM')
    await playground?.close()
  }
})
