// e2e/frameworks/apps/react-router/vite.config.ts — React Router 7 (framework mode, default config)
import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'

export default defineConfig({
  plugins: [reactRouter(), wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
})
