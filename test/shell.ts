import { execFile } from 'node:child_process'

/**
 * Runs a shell script in another process (as git or an editor would touch the files), so the dev
 * server's event loop keeps running while the files change. Resolves with its stdout.
 */
export function shell(cwd: string, script: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', script], { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${script.slice(0, 200)} failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}
