// e2e/frameworks/apps/hono/vite.config.ts — Hono with @hono/vite-dev-server
import devServer from '@hono/vite-dev-server'
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'

export default defineConfig({
  plugins: [devServer({ entry: 'src/index.ts' }), wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
})
