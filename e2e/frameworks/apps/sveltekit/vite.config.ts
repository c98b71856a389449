// e2e/frameworks/apps/sveltekit/vite.config.ts — SvelteKit 2
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'
import wizardHotReload from 'vite-plugin-wizard-hot-reload'

export default defineConfig({
  plugins: [sveltekit(), wizardHotReload({ dirs: ['wizards'], registry: 'server/registry.ts' })],
})
