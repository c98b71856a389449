import { fileURLToPath } from 'node:url'
import { transform as transformCss } from 'lightningcss'
import { defineConfig, version, type Plugin } from 'vite'

const stylesModules = new Set(['styles.ts', 'palette.ts'].map((file) => fileURLToPath(new URL(`./client/overlay/${file}`, import.meta.url))))

/** The overlay's CSS is a template literal (it lives in a shadow root); minify it like a stylesheet. */
function minifyOverlayCss(): Plugin {
  return {
    name: 'minify-overlay-css',
    enforce: 'pre',
    transform(code, id) {
      if (!stylesModules.has(id)) return null
      return code.replace(/\/\* css \*\/ `([^`]*)`/g, (_, css: string) => {
        const { code: minified } = transformCss({ filename: 'overlay.css', code: Buffer.from(css), minify: true })
        return JSON.stringify(minified.toString())
      })
    },
  }
}

// Vite 8 bundles with Rolldown and minifies with oxc; Vite 7 (the peer range's other end, which
// CI's compat run builds with) with Rollup and esbuild.
const vite7 = Number(version.split('.')[0]) < 8
// Not library mode: Vite keeps whitespace in ES library output (for a later bundler's tree-shaking),
// and this file is served as is. One entry, its exports kept, no code splitting.
const bundle = {
  input: fileURLToPath(new URL('./client/overlay/main.tsx', import.meta.url)),
  preserveEntrySignatures: 'strict' as const,
  output: { format: 'es' as const, entryFileNames: 'overlay.js' },
}

// Builds the overlay into one ES module with Preact inside, so host apps on any framework are unaffected.
export default defineConfig({
  logLevel: 'warn',
  plugins: [minifyOverlayCss()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  ...(vite7 ? { esbuild: { jsx: 'automatic' as const, jsxImportSource: 'preact' } } : {}),
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: false,
    target: 'es2022',
    minify: vite7 ? 'esbuild' : 'oxc',
    modulePreload: false,
    copyPublicDir: false,
    sourcemap: false,
    ...(vite7 ? { rollupOptions: bundle } : { rolldownOptions: bundle }),
  },
})
