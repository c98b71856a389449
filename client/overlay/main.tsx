import { render } from 'preact'
import type { HotContext } from '../hot-context.ts'
import { WIZARD_EVENTS, type WizardFailedPayload, type WizardReloadedPayload, type WizardRemovedPayload, type WizardStatePayload } from '../protocol.ts'
import { Overlay } from './overlay.tsx'
import { overlayStyles } from './styles.ts'
import { ToastStore } from './toast-store.ts'

export const OVERLAY_ELEMENT = 'wizard-hot-reload-overlay'

export interface OverlayClientOptions {
  position: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left'
  successTimeout: number
  /** Vite's `base`. */
  base: string
  /** The Vite root (absolute), to show paths relative to it. */
  root: string
}

export interface OverlayHandle {
  element: HTMLElement
  store: ToastStore
  unmount(): void
}

declare global {
  interface Window {
    __wizardHotReloadOverlay__?: OverlayHandle
  }
}

/**
 * Mounts the overlay once per page in a custom element with an open shadow root, subscribes it to
 * the plugin's HMR events and asks the server for a snapshot of the current state (failures that
 * are still present), applied idempotently.
 */
export function mountWizardOverlay(hot: HotContext, options: OverlayClientOptions): OverlayHandle {
  const existing = window.__wizardHotReloadOverlay__
  if (existing?.element.isConnected) return existing

  if (!customElements.get(OVERLAY_ELEMENT)) customElements.define(OVERLAY_ELEMENT, class WizardHotReloadOverlay extends HTMLElement {})
  const element = document.createElement(OVERLAY_ELEMENT)
  element.dataset.position = options.position
  const shadow = element.attachShadow({ mode: 'open' })
  adoptStyles(shadow)
  const container = document.createElement('div')
  shadow.appendChild(container)
  ;(document.body ?? document.documentElement).appendChild(element)

  const store = new ToastStore()
  const onReloaded = (payload: WizardReloadedPayload) => store.push({ type: 'reloaded', payload })
  const onFailed = (payload: WizardFailedPayload) => store.push({ type: 'failed', payload })
  const onRemoved = (payload: WizardRemovedPayload) => store.push({ type: 'removed', payload })
  const onState = (payload: WizardStatePayload) => store.applySnapshot(payload)
  let disconnected = false
  const onDisconnect = () => (disconnected = true)
  const onConnect = () => {
    // After a reconnect, ask again: the server may have seen failures while we were away.
    if (!disconnected) return
    disconnected = false
    hot.send(WIZARD_EVENTS.ready, { client: 'overlay' })
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented || isTyping(event)) return
    if (store.dismissNewest()) event.preventDefault()
  }

  hot.on(WIZARD_EVENTS.reloaded, onReloaded)
  hot.on(WIZARD_EVENTS.failed, onFailed)
  hot.on(WIZARD_EVENTS.removed, onRemoved)
  hot.on(WIZARD_EVENTS.state, onState)
  hot.on('vite:ws:disconnect', onDisconnect)
  hot.on('vite:ws:connect', onConnect)
  document.addEventListener('keydown', onKeyDown)
  hot.send(WIZARD_EVENTS.ready, { client: 'overlay' })

  render(<Overlay store={store} successTimeout={options.successTimeout} base={options.base} root={options.root} />, container)

  const handle: OverlayHandle = {
    element,
    store,
    unmount() {
      render(null, container)
      element.remove()
      document.removeEventListener('keydown', onKeyDown)
      hot.off?.(WIZARD_EVENTS.reloaded, onReloaded)
      hot.off?.(WIZARD_EVENTS.failed, onFailed)
      hot.off?.(WIZARD_EVENTS.removed, onRemoved)
      hot.off?.(WIZARD_EVENTS.state, onState)
      hot.off?.('vite:ws:disconnect', onDisconnect)
      hot.off?.('vite:ws:connect', onConnect)
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

function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0]
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}
