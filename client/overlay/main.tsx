import { render } from 'preact'
import type { HotContext } from '../hot-context.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardReloadedPayload, type WizardRemovedPayload, type WizardRolledBackPayload, type WizardStatePayload } from '../protocol.ts'
import { createRequester } from '../requests.ts'
import { notifyInBackground } from './notify.ts'
import { Overlay } from './overlay.tsx'
import { nextPosition, type OverlayPosition } from './position.ts'
import { loadPrefs, savePrefs, type OverlayPrefs } from './prefs.ts'
import { overlayStyles } from './styles.ts'
import { ToastStore } from './toast-store.ts'
import { WizardList } from './wizard-list.ts'

export const OVERLAY_ELEMENT = 'wizard-hot-reload-overlay'

export interface OverlayClientOptions {
  position: OverlayPosition
  successTimeout: number
  /** Vite's `base`. */
  base: string
  /** The Vite root (absolute), to show paths relative to it. */
  root: string
}

export interface OverlayHandle {
  element: HTMLElement
  store: ToastStore
  list: WizardList
  unmount(): void
}

declare global {
  interface Window {
    __wizardHotReloadOverlay__?: OverlayHandle
  }
}

/**
 * Mounts the overlay once per page in a custom element with an open shadow root: toasts, a corner
 * badge and a panel (Alt+Shift+W). It subscribes to the plugin's HMR events and asks the server for
 * a snapshot of the current state (failures, wizards), applied idempotently.
 */
export function mountWizardOverlay(hot: HotContext, options: OverlayClientOptions): OverlayHandle {
  const existing = window.__wizardHotReloadOverlay__
  if (existing?.element.isConnected) return existing

  if (!customElements.get(OVERLAY_ELEMENT)) customElements.define(OVERLAY_ELEMENT, class WizardHotReloadOverlay extends HTMLElement {})
  const element = document.createElement(OVERLAY_ELEMENT)
  const shadow = element.attachShadow({ mode: 'open' })
  adoptStyles(shadow)
  const container = document.createElement('div')
  shadow.appendChild(container)
  ;(document.body ?? document.documentElement).appendChild(element)

  let prefs: OverlayPrefs = loadPrefs()
  const prefListeners = new Set<() => void>()
  const place = () => (element.dataset.position = prefs.position ?? options.position)
  const setPrefs = (change: Partial<OverlayPrefs>) => {
    if (change.open && !prefs.open) store.dismissTransient() // the panel shows their news
    prefs = { ...prefs, ...change }
    savePrefs(prefs)
    place()
    for (const listener of prefListeners) listener()
  }
  place()

  const store = new ToastStore()
  const list = new WizardList()
  const requester = createRequester(hot)
  const onReloaded = (payload: WizardReloadedPayload) => {
    // With the panel open its list shows a success; a reload some backends refused still waits as a toast.
    if (prefs.open && !payload.backends?.failed.length) store.forget(payload.wizardId)
    else store.push({ type: 'reloaded', payload })
    list.reloaded(payload)
    notifyInBackground(prefs, { type: 'reloaded', payload })
  }
  const onFailed = (payload: WizardFailedPayload) => {
    store.push({ type: 'failed', payload })
    list.failed(payload)
    notifyInBackground(prefs, { type: 'failed', payload })
  }
  const onRemoved = (payload: WizardRemovedPayload) => {
    if (prefs.open) store.forget(payload.wizardId)
    else store.push({ type: 'removed', payload })
    list.removed(payload)
  }
  const onRolledBack = (payload: WizardRolledBackPayload) => list.rolledBack(payload)
  const onState = (payload: WizardStatePayload) => {
    store.applySnapshot(payload)
    list.snapshot(payload)
  }
  let disconnected = false
  const onDisconnect = () => (disconnected = true)
  const onConnect = () => {
    // After a reconnect, ask again: the server may have seen failures while we were away.
    if (!disconnected) return
    disconnected = false
    hot.send(WIZARD_EVENTS.ready, { client: 'overlay' })
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented) return
    if (event.altKey && event.shiftKey && event.code === 'KeyW') {
      event.preventDefault()
      setPrefs({ open: !prefs.open })
      return
    }
    // Escape is ours when it comes from the overlay, or from a page with nothing focused — never a page control's (a <dialog>'s, say).
    if (event.key !== 'Escape' || isTyping(event) || !(event.composedPath().includes(element) || document.activeElement === element || isNothingFocused())) return
    if (prefs.open) setPrefs({ open: false })
    else if (!store.dismissNewest()) return
    event.preventDefault()
  }

  const subscriptions: Array<[string, (payload: never) => void]> = [
    [WIZARD_EVENTS.reloaded, onReloaded as (payload: never) => void],
    [WIZARD_EVENTS.failed, onFailed as (payload: never) => void],
    [WIZARD_EVENTS.removed, onRemoved as (payload: never) => void],
    [WIZARD_EVENTS.rolledBack, onRolledBack as (payload: never) => void],
    [WIZARD_EVENTS.state, onState as (payload: never) => void],
    ['vite:ws:disconnect', onDisconnect],
    ['vite:ws:connect', onConnect],
  ]
  for (const [event, listener] of subscriptions) hot.on(event, listener)
  document.addEventListener('keydown', onKeyDown)
  hot.send(WIZARD_EVENTS.ready, { client: 'overlay' })

  const prefsHandle = {
    get: () => prefs,
    set: setPrefs,
    subscribe: (listener: () => void) => {
      prefListeners.add(listener)
      return () => prefListeners.delete(listener)
    },
  }
  render(
    <Overlay
      store={store}
      list={list}
      request={requester.request}
      prefs={prefsHandle}
      onMove={() => setPrefs({ position: nextPosition(prefs.position ?? options.position) })}
      successTimeout={options.successTimeout}
      base={options.base}
      root={options.root}
    />,
    container,
  )

  const handle: OverlayHandle = {
    element,
    store,
    list,
    unmount() {
      render(null, container)
      element.remove()
      document.removeEventListener('keydown', onKeyDown)
      requester.close()
      for (const [event, listener] of subscriptions) hot.off?.(event, listener)
      if (window.__wizardHotReloadOverlay__ === handle) delete window.__wizardHotReloadOverlay__
    },
  }
  window.__wizardHotReloadOverlay__ = handle
  return handle
}

/** Constructable stylesheets need no CSP nonce; older browsers get a <style> with Vite's nonce. */
function adoptStyles(shadow: ShadowRoot): void {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(overlayStyles)
    shadow.adoptedStyleSheets = [sheet]
    return
  }
  const style = document.createElement('style')
  const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce
  if (nonce) style.nonce = nonce
  style.textContent = overlayStyles
  shadow.appendChild(style)
}

function isNothingFocused(): boolean {
  return document.activeElement === null || document.activeElement === document.body || document.activeElement === document.documentElement
}

/** Escape belongs to a text field being typed in (a checkbox or a button is not one). */
function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0]
  if (!(target instanceof HTMLElement)) return false
  if (target instanceof HTMLInputElement) return !/^(?:checkbox|radio|button|submit|reset|range|color|file|image)$/.test(target.type)
  return target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'
}
