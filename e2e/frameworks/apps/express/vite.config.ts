// e2e/frameworks/apps/express/vite.config.ts — Express with Vite in middleware mode
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'

export default defineConfig({
  plugins: [wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
})
