import fs from 'node:fs'

export interface Series {
  label: string
  color: string
  values: number[]
}

/** A small log-log line chart: median latency (ms) against the number of wizards. */
export function writeLatencyChart(file: string, sizes: number[], series: Series[]): void {
  const width = 640
  const height = 360
  const margin = { top: 24, right: 48, bottom: 56, left: 72 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const all = series.flatMap((s) => s.values).filter((v) => v > 0)
  const minExp = Math.floor(Math.log10(Math.min(...all)))
  const maxExp = Math.ceil(Math.log10(Math.max(...all)))
  const x = (i: number) => margin.left + (sizes.length === 1 ? plotW / 2 : (i / (sizes.length - 1)) * plotW)
  const y = (v: number) => margin.top + plotH - ((Math.log10(v) - minExp) / (maxExp - minExp || 1)) * plotH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
  )
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  for (let e = minExp; e <= maxExp; e++) {
    const v = 10 ** e
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v)}" y2="${y(v)}" stroke="#d1d9e0"/>`)
    out.push(`<text x="${margin.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#59636e">${v >= 1 ? v : v.toFixed(-e)} ms</text>`)
  }
  sizes.forEach((size, i) => out.push(`<text x="${x(i)}" y="${height - margin.bottom + 18}" text-anchor="middle" fill="#59636e">${size}</text>`))
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 16}" text-anchor="middle" fill="#1f2328">wizards in the watched folder</text>`)
  out.push(
    `<text x="16" y="${margin.top + plotH / 2}" text-anchor="middle" fill="#1f2328" transform="rotate(-90 16 ${margin.top + plotH / 2})">save → registered, median (log)</text>`,
  )
  series.forEach((s, si) => {
    const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${points}"/>`)
    s.values.forEach((v, i) => {
      out.push(`<circle cx="${x(i)}" cy="${y(v)}" r="4" fill="${s.color}"/>`)
      const last = i === s.values.length - 1
      out.push(
        `<text x="${x(i) + (last ? -8 : 8)}" y="${y(v) - 8}" text-anchor="${last ? 'end' : 'start'}" fill="${s.color}">${v < 10 ? v.toFixed(1) : Math.round(v)} ms</text>`,
      )
    })
    const ly = margin.top + 8 + si * 18
    out.push(`<rect x="${margin.left + 12}" y="${ly - 9}" width="14" height="4" fill="${s.color}"/>`)
    out.push(`<text x="${margin.left + 32}" y="${ly - 3}" fill="#1f2328">${s.label}</text>`)
  })
  out.push('</svg>')
  fs.writeFileSync(file, `${out.join('\n')}\n`)
}
