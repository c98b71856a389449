import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { FRAMEWORKS } from './app-run.ts'

const REPO = path.resolve(FRAMEWORKS, '../..')
const STAMP = path.join(FRAMEWORKS, 'node_modules/.lockfile-hash')

/**
 * Makes the frameworks workspace ready: its packages installed from the registry (`npm ci`, only
 * when its lockfile changed since the last install), and this repository's build copied in as
 * `vite-plugin-wizard-hot-reload` — exactly what the tarball holds (package.json and dist/).
 */
export function prepareFrameworks(): void {
  const lock = fs.readFileSync(path.join(FRAMEWORKS, 'package-lock.json'))
  const hash = createHash('sha256').update(lock).digest('hex')
  if (!fs.existsSync(STAMP) || fs.readFileSync(STAMP, 'utf8') !== hash) {
    console.log('[frameworks] installing the framework apps’ packages (npm ci in e2e/frameworks)…')
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: FRAMEWORKS, stdio: 'inherit' })
    fs.writeFileSync(STAMP, hash)
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const workspace = JSON.parse(fs.readFileSync(path.join(FRAMEWORKS, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const missing = Object.entries(manifest.dependencies).filter(([name, range]) => workspace.dependencies[name] !== range)
  if (missing.length > 0)
    throw new Error(
      `e2e/frameworks/package.json must list the plugin's dependencies as package.json does: ${missing.map(([name, range]) => `${name}@${range}`).join(', ')}`,
    )
  // (FRAMEWORKS_PLUGIN_FROM: another build's folder — to show the matrix fails on a plugin without a fix.)
  const from = process.env.FRAMEWORKS_PLUGIN_FROM ?? REPO
  if (!fs.existsSync(path.join(from, 'dist/plugin/index.js'))) throw new Error(`${path.join(from, 'dist')} is missing: run npm run build first`)
  const target = path.join(FRAMEWORKS, 'node_modules/vite-plugin-wizard-hot-reload')
  fs.rmSync(target, { recursive: true, force: true })
  fs.mkdirSync(target, { recursive: true })
  fs.copyFileSync(path.join(from, 'package.json'), path.join(target, 'package.json'))
  fs.cpSync(path.join(from, 'dist'), path.join(target, 'dist'), { recursive: true })
  fs.rmSync(path.join(FRAMEWORKS, '.runs'), { recursive: true, force: true })
}
