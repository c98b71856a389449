import fs from 'node:fs'
import { afterEach } from 'vitest'
import { createServer, type InlineConfig, type ViteDevServer } from 'vite'
import { capturingLogger, makeTempDir, writeFiles } from './temp-project.ts'

/**
 * Plain Vite dev servers on temp folders (no plugin of ours unless given), for the contract tests of
 * what the plugin relies on in Vite: each is closed, and its folder removed, after the test.
 */
export function tempViteServers(
  logs: string[] = [],
): (files?: Record<string, string>, config?: InlineConfig) => Promise<{ server: ViteDevServer; root: string }> {
  const opened: Array<{ server: ViteDevServer; root: string }> = []
  afterEach(async () => {
    for (const { server, root } of opened.splice(0)) {
      await server.close()
      fs.rmSync(root, { recursive: true, force: true })
    }
    logs.length = 0
  })
  return async (files = {}, config = {}) => {
    const root = makeTempDir('vite-contract-')
    writeFiles(root, files)
    const server = await createServer({ root, configFile: false, envDir: false, appType: 'custom', customLogger: capturingLogger(logs), ...config })
    opened.push({ server, root })
    return { server, root }
  }
}
