import { fileURLToPath } from 'node:url'
import { transform as transformCss } from 'lightningcss'
import { defineConfig, type Plugin } from 'vite'

const stylesModule = fileURLToPath(new URL('./client/overlay/styles.ts', import.meta.url))

/** The overlay's CSS is a template literal (it lives in a shadow root); minify it like a stylesheet. */
function minifyOverlayCss(): Plugin {
  return {
    name: 'minify-overlay-css',
    enforce: 'pre',
    transform(code, id) {
      if (id !== stylesModule) return null
      return code.replace(/\/\* css \*\/ `([^`]*)`/g, (_, css: string) => {
        const { code: minified } = transformCss({ filename: 'overlay.css', code: Buffer.from(css), minify: true })
        return JSON.stringify(minified.toString())
      })
    },
  }
}

// Builds the overlay into one ES module with Preact inside, so host apps on any framework are unaffected.
export default defineConfig({
  logLevel: 'warn',
  plugins: [minifyOverlayCss()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: false,
    target: 'es2020',
    // Vite keeps whitespace in ES library output (for a later bundler's tree-shaking); this file is served as
    // is, so it is minified fully.
    minify: 'oxc',
    rolldownOptions: { output: { minify: true } },
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./client/overlay/main.tsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'overlay.js',
    },
  },
})
