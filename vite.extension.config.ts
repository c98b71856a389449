import { fileURLToPath } from 'node:url'
import { defineConfig, version } from 'vite'

const extension = (file: string) => fileURLToPath(new URL(`./extension/${file}`, import.meta.url))

// Vite 8 bundles with Rolldown and minifies with oxc; Vite 7 (the peer range's other end, which CI's
// compat run builds with) with Rollup and esbuild.
const vite7 = Number(version.split('.')[0]) < 8

/**
 * The browser extension, built into dist/extension/ (loadable unpacked: manifest.json at its root, no
 * code fetched from anywhere). Two passes, as Chromium wants two kinds of script: the service worker
 * and the pages as ES modules sharing chunks (`--mode pages`, which also copies extension/public:
 * manifest and icons), and the content script as one classic script with nothing to import (`--mode bridge`).
 */
export default defineConfig(({ mode }) => {
  const bridge = mode === 'bridge'
  const bundle = bridge
    ? { input: extension('bridge.ts'), output: { format: 'iife' as const, entryFileNames: 'bridge.js' } }
    : {
        input: { 'service-worker': extension('service-worker.ts'), popup: extension('popup/popup.html'), pair: extension('pairing/pair.html') },
        preserveEntrySignatures: false as const,
        output: {
          format: 'es' as const,
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      }
  return {
    root: extension(''),
    base: '/',
    logLevel: 'warn',
    publicDir: bridge ? false : extension('public'),
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    ...(vite7 ? { esbuild: { jsx: 'automatic' as const, jsxImportSource: 'preact' } } : {}),
    build: {
      outDir: fileURLToPath(new URL('./dist/extension', import.meta.url)),
      emptyOutDir: !bridge,
      target: 'es2022',
      minify: false,
      modulePreload: false,
      sourcemap: false,
      ...(vite7 ? { rollupOptions: bundle } : { rolldownOptions: bundle }),
    },
  }
})
