import { render } from 'preact'
import type { HotContext } from '../hot-context.ts'
import { createRequester } from '../requests.ts'
import { clearDeepLink, readDeepLink } from './deep-link.ts'
import { onExtensionMessage } from './extension-bridge.ts'
import { notifyInBackground } from './notify.ts'
import { Overlay } from './overlay.tsx'
import { PanelRequests } from './panel-request.ts'
import { nextPosition, type OverlayPosition } from './position.ts'
import { loadPrefs, savePrefs, type OverlayPrefs } from './prefs.ts'
import { overlayStyles } from './styles.ts'
import { ToastStore } from './toast-store.ts'
import { wizardStore, type StoreEvent, type WizardStore } from '../wizard-store.ts'

export const OVERLAY_ELEMENT = 'wizard-hot-reload-overlay'

export interface OverlayClientOptions {
  position: OverlayPosition
  successTimeout: number
  /** Vite's `base`. */
  base: string
  /** The Vite root (absolute), to show paths relative to it. */
  root: string
  /** The dev server's origin (where this overlay was served from); the page's own by default. */
  server?: string
}

export interface OverlayHandle {
  element: HTMLElement
  store: ToastStore
  list: WizardStore
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
  // The page's one store of what is known (the client API reads it too); the toasts are this overlay's view of its events.
  const list = wizardStore(hot)
  const requester = createRequester(hot)
  const onEvent = (event: StoreEvent) => {
    const { type, payload } = event
    if (type === 'reloaded') {
      // With the panel open its list shows a success; a reload some backends refused still waits as a toast.
      if (prefs.open && !payload.backends?.failed.length) store.forget(payload.wizardId)
      else store.push(event)
      notifyInBackground(prefs, event)
    } else if (type === 'failed') {
      store.push(event)
      notifyInBackground(prefs, event)
    } else if (type === 'removed') {
      if (prefs.open) store.forget(payload.wizardId)
      else store.push(event)
    } else if (type === 'state') store.applySnapshot(payload)
  }
  const unsubscribe = list.subscribe(onEvent)
  // What the page already knew when this overlay mounted.
  if (list.failures.length > 0) store.applySnapshot({ failures: list.failures, wizards: list.all })
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented) return
    if (event.altKey && event.shiftKey && event.code === 'KeyW') {
      event.preventDefault()
      setPrefs({ open: !prefs.open })
      return
    }
    // Escape is ours when it comes from the overlay, or from a page with nothing focused — never a page control's (a <dialog>'s, say).
    if (event.key !== 'Escape' || isTyping(event) || !(event.composedPath().includes(element) || document.activeElement === element || isNothingFocused()))
      return
    if (prefs.open) setPrefs({ open: false })
    else if (!store.dismissNewest()) return
    event.preventDefault()
  }

  document.addEventListener('keydown', onKeyDown)

  // The browser extension asks for the panel: a deep link in the URL (a tab it opened), or its bridge (a tab already open).
  const asked = new PanelRequests()
  const followDeepLink = () => {
    const link = readDeepLink(location.hash)
    if (!link) return
    clearDeepLink()
    setPrefs({ open: true })
    asked.ask(link.type === 'wizard' ? { wizardId: link.wizardId } : { connectExtension: true })
  }
  followDeepLink()
  window.addEventListener('hashchange', followDeepLink)
  const stopBridge = onExtensionMessage((message) => {
    if (message.type !== 'open') return
    setPrefs({ open: true })
    asked.ask({ wizardId: message.wizardId })
  })

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
      server={options.server ?? location.origin}
      asked={asked}
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
      window.removeEventListener('hashchange', followDeepLink)
      stopBridge()
      requester.close()
      unsubscribe()
      list.close()
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
