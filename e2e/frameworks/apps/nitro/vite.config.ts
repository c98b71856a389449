// e2e/frameworks/apps/nitro/vite.config.ts — Nitro 3 (routes run in its `nitro` environment, in a worker)
import { nitro } from 'nitro/vite'
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'

export default defineConfig({
  plugins: [nitro({ serverDir: './server' }), wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
})
