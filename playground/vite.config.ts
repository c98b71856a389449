import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'
import { wizardApi } from './server/api-plugin.ts'

// `npm run playground:backend` also runs an API in a process of its own (backend/api.mjs); the page reaches it here.
const backendUrl = process.env.PLAYGROUND_BACKEND_URL

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [
    // The two lines a project adds: the plugin loads every wizard and hands it to the registry
    // module, which the API below loads through the same module graph.
    wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' }),
    wizardApi(),
  ],
  server: backendUrl ? { proxy: { '/backend': { target: backendUrl, rewrite: (path) => path.replace(/^\/backend/, '') } } } : {},
})
