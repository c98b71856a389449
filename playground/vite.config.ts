import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'
import { wizardApi } from './server/api-plugin.ts'

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [
    // The two lines a project adds: the plugin loads every wizard and hands it to the registry
    // module, which the API below loads through the same module graph.
    wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' }),
    wizardApi(),
  ],
})
