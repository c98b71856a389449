/**
 * The overlay's colours, light and dark (the system's theme), as custom properties: on `:host` in the
 * overlay's shadow root, on `:root` in the browser extension's pages, which wear the same. (Minified
 * in the overlay's build, like styles.ts.)
 */
export const paletteStyles = /* css */ `
:host, :root {
  --bg: #ffffff;
  --fg: #1f2328;
  --muted: #59636e;
  --border: #d1d9e0;
  --ok: #1a7f37;
  --fail: #cf222e;
  --info: #9a6700;
  --frame-bg: #f6f8fa;
  --hl-bg: #ffebe9;
  --focus: #0969da;
  --pin: #8250df;
}
@media (prefers-color-scheme: dark) {
  :host, :root {
    --bg: #1c2128;
    --fg: #e6edf3;
    --muted: #9198a1;
    --border: #3d444d;
    --ok: #3fb950;
    --fail: #f85149;
    --info: #d29922;
    --frame-bg: #151b23;
    --hl-bg: #4b1f22;
    --focus: #4493f8;
    --pin: #ab7df8;
  }
}
`
