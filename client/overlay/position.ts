export type OverlayPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left'

const ORDER: OverlayPosition[] = ['bottom-right', 'bottom-left', 'top-left', 'top-right']

/** The next corner, clockwise from the bottom right. */
export function nextPosition(position: OverlayPosition): OverlayPosition {
  return ORDER[(ORDER.indexOf(position) + 1) % ORDER.length]
}
