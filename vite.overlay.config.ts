import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// Builds the overlay into one ES module with Preact inside, so host apps on any framework are unaffected.
export default defineConfig({
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: false,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./client/overlay/main.tsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'overlay.js',
    },
  },
})
