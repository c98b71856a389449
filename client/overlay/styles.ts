import { paletteStyles } from './palette.ts'

/** Overlay CSS; lives in the shadow root only, so it cannot leak into the page (nor the page's into it). */
export const overlayStyles =
  paletteStyles +
  /* css */ `
:host {
  all: initial;
  position: fixed;
  z-index: 2147483646;
  display: block;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg);
}
:host([data-position="top-right"]) { top: 16px; right: 16px; }
:host([data-position="top-left"]) { top: 16px; left: 16px; }
:host([data-position="bottom-right"]) { bottom: 16px; right: 16px; }
:host([data-position="bottom-left"]) { bottom: 16px; left: 16px; }
.stack {
  display: flex;
  flex-direction: column;
  gap: 8px;
  width: min(520px, calc(100vw - 32px));
  max-height: calc(100vh - 32px);
  overflow-y: auto;
}
:host([data-position^="top"]) .stack { flex-direction: column-reverse; }
.toast {
  box-sizing: border-box;
  background: var(--bg);
  border: 1px solid var(--border);
  border-left: 4px solid var(--accent);
  border-radius: 6px;
  box-shadow: 0 6px 24px rgba(0, 0, 0, 0.18);
  padding: 10px 12px;
  animation: enter 160ms ease-out;
}
.toast.reloaded { --accent: var(--ok); }
.toast.failed { --accent: var(--fail); }
.toast.removed { --accent: var(--info); }
@keyframes enter { from { opacity: 0; transform: translateY(6px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .toast { animation: none; } }
.head { display: flex; align-items: baseline; gap: 8px; }
.icon { color: var(--accent); font-weight: 700; }
.title { flex: 1; font-weight: 600; overflow-wrap: anywhere; }
.title .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.meta { color: var(--muted); font-size: 12px; white-space: nowrap; }
.badge {
  font-size: 11px;
  border: 1px solid var(--border);
  border-radius: 999px;
  padding: 0 6px;
  color: var(--muted);
}
.kind {
  font-size: 11px;
  text-transform: uppercase;
  letter-spacing: 0.04em;
  color: var(--accent);
  border: 1px solid currentColor;
  border-radius: 4px;
  padding: 0 4px;
}
button.dismiss {
  all: unset;
  cursor: pointer;
  color: var(--muted);
  font-size: 16px;
  line-height: 1;
  padding: 2px 6px;
  border-radius: 4px;
}
button.dismiss:hover { color: var(--fg); background: var(--frame-bg); }
button.dismiss:focus-visible, a.loc:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.ids {
  margin: 4px 0 0;
  color: var(--muted);
  font-size: 12px;
  overflow-wrap: anywhere;
}
.message {
  margin: 6px 0 0;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px;
}
a.loc {
  display: inline-block;
  margin-top: 6px;
  color: var(--focus);
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12px;
  text-decoration: underline;
  cursor: pointer;
  overflow-wrap: anywhere;
}
pre.frame, pre.diff {
  margin: 6px 0 0;
  padding: 6px 0;
  background: var(--frame-bg);
  border-radius: 4px;
  overflow-x: auto;
  font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
pre.frame span, pre.diff span { display: block; padding: 0 8px; white-space: pre; }
pre.frame span.hl { background: var(--hl-bg); }
pre.frame span.caret { color: var(--fail); }
.note { margin-top: 6px; color: var(--muted); font-size: 12px; }
.patched { margin: 4px 0 0; font-size: 12px; overflow-wrap: anywhere; }
.patched.fallback { color: var(--info); }
button { font: inherit; color: inherit; }
button:focus-visible, input:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
/* The heading takes focus when the panel opens so screen readers announce it; it needs no ring. The
   badge sits at the screen's edge: its ring goes inside, where it cannot be clipped. */
h2[tabindex="-1"]:focus { outline: none; }
.wbadge:focus-visible { outline-offset: -3px; }
.muted { color: var(--muted); }
.wbadge, .panel { box-sizing: border-box; background: var(--bg); border: 1px solid var(--border); border-radius: 999px; box-shadow: 0 6px 24px rgba(0, 0, 0, 0.18); }
.wbadge { align-self: flex-end; display: inline-flex; align-items: center; gap: 6px; padding: 4px 10px; cursor: pointer; --accent: var(--ok); }
:host([data-position$="left"]) .wbadge { align-self: flex-start; }
.wbadge.failed, .wizard.failed { --accent: var(--fail); }
.wbadge.pinned, .wizard.pinned { --accent: var(--pin); }
.dot { width: 8px; height: 8px; border-radius: 50%; background: var(--accent, var(--ok)); flex: none; }
.count { font-weight: 600; }
.detail { color: var(--muted); font-size: 12px; }
.panel { border-radius: 8px; padding: 10px 12px; max-height: calc(100vh - 34px); display: flex; flex-direction: column; overflow: hidden; }
.panel header { display: flex; align-items: center; gap: 4px; }
.panel h2 { flex: 1; margin: 0; font-size: 14px; }
.icon-button { all: unset; cursor: pointer; padding: 2px 6px; border-radius: 4px; color: var(--muted); font-size: 15px; }
.icon-button:hover { background: var(--frame-bg); color: var(--fg); }
.wizard-list { list-style: none; margin: 8px 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
.wizard { display: inline-flex; align-items: center; gap: 6px; background: none; border: 1px solid var(--border); border-radius: 999px; padding: 2px 8px; cursor: pointer; --accent: var(--ok); }
.wizard[aria-current="true"] { border-color: var(--focus); background: var(--frame-bg); }
.wizard .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.selected { border-top: 1px solid var(--border); padding-top: 6px; }
.details { padding-top: 2px; flex: 1 1 auto; min-height: 0; overflow-y: auto; }
.legend { display: flex; gap: 10px; font-size: 11px; color: var(--muted); margin-top: 6px; }
.legend .phase { display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 3px; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0; }
.actions button { background: var(--frame-bg); border: 1px solid var(--border); border-radius: 4px; padding: 1px 8px; cursor: pointer; font-size: 12px; }
.actions button:hover { border-color: var(--focus); }
.notice { margin: 6px 0; font-size: 12px; color: var(--muted); }
.notice.error { color: var(--fail); }
.pinned-note { color: var(--pin); }
.failure { --accent: var(--fail); border-left: 3px solid var(--fail); padding-left: 8px; margin: 6px 0; }
.timeline { list-style: none; margin: 6px 0 0; padding: 0; }
.entry { padding: 6px 0; border-bottom: 1px dashed var(--border); --accent: var(--ok); }
.entry.failed { --accent: var(--fail); }
.entry.removed { --accent: var(--info); }
.entry[data-outcome="rolled-back"] { --accent: var(--pin); }
.entry .row { display: flex; gap: 8px; align-items: baseline; }
.entry time { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.entry .what { flex: 1; }
.entry .what b { color: var(--accent); }
.bar { display: flex; height: 6px; margin-top: 4px; border-radius: 3px; overflow: hidden; background: var(--frame-bg); }
.phase { min-width: 1px; }
.phase.detect { background: #8c959f; }
.phase.load { background: var(--focus); }
.phase.register { background: var(--ok); }
.phase.dispose { background: var(--info); }
pre.diff { margin-bottom: 6px; }
pre.diff .add { background: rgba(46, 160, 67, 0.18); }
pre.diff .del { background: rgba(248, 81, 73, 0.18); }
pre.diff .hunk { color: var(--muted); }
.toast.partial { --accent: var(--info); }
.backend-failures { margin: 6px 0 0; padding-left: 18px; font-size: 12px; }
.backend-failures .note { list-style: none; margin-left: -18px; color: var(--muted); }
.panel footer { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 8px; font-size: 12px; color: var(--muted); }
.extension-connect { flex-basis: 100%; }
.extension-connect button { background: var(--frame-bg); border: 1px solid var(--border); border-radius: 4px; padding: 1px 8px; cursor: pointer; font-size: 12px; }
.extension-connect button:hover { border-color: var(--focus); }
.extension-connect .notice { margin: 4px 0 0; }
.notice.ok { color: var(--ok); }
`
