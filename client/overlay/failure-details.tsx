import type { WizardFailedPayload } from '../protocol.ts'

/** A failure's message, `file:line:column` (opens the editor through Vite) and code frame. */
export function FailureDetails({ payload, base, root, shared }: { payload: WizardFailedPayload; base: string; root: string; shared: boolean }) {
  const { error } = payload
  const loc = error.loc
  const where = loc ? `${relativePath(loc.file, root)}:${loc.line}:${loc.column}` : undefined
  const editorUrl = loc ? `${base}__open-in-editor?file=${encodeURIComponent(`${loc.file}:${loc.line}:${loc.column}`)}` : undefined
  return (
    <>
      <p class="message">{error.message}</p>
      {where && (
        <a
          class="loc"
          href={editorUrl}
          title="Open in editor"
          onClick={(event) => {
            event.preventDefault()
            void fetch(editorUrl!)
          }}
        >
          {where}
        </a>
      )}
      {error.frame && (
        <pre class="frame" aria-label="Code frame">
          {error.frame.split('\n').map((line, index) => (
            <span key={index} class={line.startsWith('>') ? 'hl' : /^\s*\|\s*\^\s*$/.test(line) ? 'caret' : undefined}>
              {line}
            </span>
          ))}
        </pre>
      )}
      {payload.keptPreviousVersion && <div class="note">{shared ? 'Their previous versions keep serving.' : 'The previous version keeps serving.'}</div>}
    </>
  )
}

export function relativePath(file: string, root: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`
  return root && file.startsWith(prefix) ? file.slice(prefix.length) : file
}
