import { paletteStyles } from '../client/overlay/palette.ts'

// The extension's pages wear the overlay's colours: one palette for both (pages.css uses its properties).
const style = document.createElement('style')
style.textContent = paletteStyles
document.head.append(style)
