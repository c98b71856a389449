// `npm run playground:backend`: the playground's dev server on :5173 and the API process on :3000,
// together; the page calls the API through Vite's proxy (/backend → :3000). Ctrl+C stops both.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const env = { ...process.env, PLAYGROUND_BACKEND_URL: 'http://127.0.0.1:3000' }
const children = [
  spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'playground', '--port', '5173', '--strictPort'], {
    cwd: root,
    env,
    stdio: 'inherit',
  }),
  spawn(process.execPath, [path.join(root, 'playground/backend/api.mjs')], {
    cwd: root,
    env: { ...env, DEV_SERVER: 'http://localhost:5173', PORT: '3000' },
    stdio: 'inherit',
  }),
]
const stop = () => children.forEach((child) => child.kill('SIGTERM'))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', (code) => (code ? (stop(), process.exit(code)) : undefined))
