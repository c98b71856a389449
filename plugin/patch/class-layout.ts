import type { ClassLayout, ElementSpan } from './class-shape.ts'

export type SpanInput = Omit<ElementSpan, 'startOffset' | 'endOffset'>

/** A full read's layout: the skeleton, and where in it elements start and end (see `ClassLayout`). */
export function buildLayout(source: string, bodyStart: number, bodyEnd: number, inputs: SpanInput[]): ClassLayout {
  const cuts = inputs.filter((span) => span.cut).map((span) => cutRange(source, span, bodyStart))
  let skeleton = ''
  let from = 0
  // removedBefore[i]: characters cut before cuts[i] starts.
  const removedBefore: number[] = []
  let removed = 0
  for (const [start, end] of cuts) {
    skeleton += source.slice(from, start)
    removedBefore.push(removed)
    removed += end - start
    from = end
  }
  skeleton += source.slice(from)
  const offsetOf = (position: number): number => {
    // The last cut starting at or before the position: inside it, the position collapses to the cut's offset.
    let i = cuts.length - 1
    while (i >= 0 && cuts[i][0] > position) i--
    if (i < 0) return position
    const [start, end] = cuts[i]
    return position < end ? start - removedBefore[i] : position - removedBefore[i] - (end - start)
  }
  const spans = inputs.map((span) => Object.assign({}, span, { startOffset: offsetOf(span.start), endOffset: offsetOf(span.end) }))
  const boundaries = new Set<number>([offsetOf(bodyStart), offsetOf(whitespaceStart(source, bodyEnd, bodyStart))])
  const staticCuts = new Map<number, ElementSpan>()
  for (const span of spans) {
    boundaries.add(offsetOf(whitespaceStart(source, span.start, bodyStart)))
    boundaries.add(span.endOffset)
    if (span.cut === 'static') staticCuts.set(offsetOf(span.fnStart), span)
  }
  return { source, bodyStart, spans, skeleton, boundaries, staticCuts }
}

/** What a cut span removes: a method with the whitespace before it, a static method's function text only. */
function cutRange(source: string, span: Pick<ElementSpan, 'start' | 'end' | 'fnStart' | 'cut'>, bodyStart: number): [number, number] {
  return span.cut === 'method' ? [whitespaceStart(source, span.start, bodyStart), span.end] : [span.fnStart, span.end]
}

/** Where the run of whitespace that ends at `position` starts (not before `floor`). */
export function whitespaceStart(source: string, position: number, floor: number): number {
  let at = position
  while (at > floor && isWhitespace(source.charCodeAt(at - 1))) at--
  return at
}

/** JavaScript's WhiteSpace and LineTerminator characters. */
function isWhitespace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true
  if (code < 0xa0) return false
  if (code >= 0x2000 && code <= 0x200a) return true
  return code === 0xa0 || code === 0xfeff || code === 0x1680 || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000
}
