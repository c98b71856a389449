/**
 * The stacks of the framework matrix: each app under apps/ as its users set it up (the README's
 * Frameworks table shows the same files), started with the framework's own dev command.
 */
export interface Stack {
  /** How the tests name it. */
  name: string
  /** Its folder under apps/. */
  app: string
  /** The dev command, run in a copy of the app (paths relative to the frameworks workspace's node_modules/.bin). */
  command: (port: number) => { bin: string; args: string[]; env?: Record<string, string> }
  /** An edit of the framework's own client code, and the text the page shows once its HMR applied it. */
  clientEdit: { file: string; from: string; to: string }
}

const vite = (port: number, ...first: string[]) => ({
  bin: 'vite/bin/vite.js',
  args: [...first, '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
})
const clientScript = { file: 'src/client.ts', from: "'client v1'", to: "'client v2'" }

export const STACKS: Stack[] = [
  { name: 'hono', app: 'hono', command: (port) => vite(port), clientEdit: clientScript },
  {
    name: 'react-router',
    app: 'react-router',
    command: (port) => ({ bin: '@react-router/dev/bin.js', args: ['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'] }),
    clientEdit: { file: 'app/routes/home.tsx', from: 'client v1', to: 'client v2' },
  },
  {
    name: 'react-router (v8_viteEnvironmentApi)',
    app: 'react-router',
    command: (port) => ({
      bin: '@react-router/dev/bin.js',
      args: ['dev', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
      env: { RR_ENVIRONMENT_API: '1' },
    }),
    clientEdit: { file: 'app/routes/home.tsx', from: 'client v1', to: 'client v2' },
  },
  { name: 'nitro', app: 'nitro', command: (port) => vite(port), clientEdit: clientScript },
  {
    name: 'sveltekit',
    app: 'sveltekit',
    command: (port) => vite(port, 'dev'),
    clientEdit: { file: 'src/routes/+page.svelte', from: 'client v1', to: 'client v2' },
  },
  {
    name: 'express (ssrLoadModule)',
    app: 'express',
    command: (port) => ({ bin: '', args: ['server.js'], env: { PORT: String(port), LOADER: 'ssrLoadModule' } }),
    clientEdit: clientScript,
  },
  {
    name: 'express (runner.import)',
    app: 'express',
    command: (port) => ({ bin: '', args: ['server.js'], env: { PORT: String(port), LOADER: 'runner' } }),
    clientEdit: clientScript,
  },
]
