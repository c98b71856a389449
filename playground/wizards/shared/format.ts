// A helper (exports no wizard class): editing it reloads every wizard that imports it.
export function banner(text: string): string {
  return `** ${text} **`
}
