// Everything that fences the renderer in, as plain values and functions so a unit
// test can assert each one without the Electron binary; lifecycle.ts wires them.
import type {
  Event,
  HandlerDetails,
  OnHeadersReceivedListenerDetails,
  HeadersReceivedResponse,
  Session,
  WebContents,
  WebContentsWillNavigateEventParams,
  WebContentsWillRedirectEventParams,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import { SECURITY_HEADERS } from './csp';

/** The renderer's only origin. Served by protocol.ts from the built files, never from the network. */
export const APP_ORIGIN = 'app://relais';
export const APP_SCHEME = 'app';
export const APP_HOST = 'relais';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The same options for every window, in tests and in production: the page gets
 * no Node, runs in Chromium's sandbox, and talks to main only through the preload.
 */
export function webPreferences(preload: string): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
    // A file dropped on the window would otherwise replace the app with that file.
    navigateOnDragDrop: false,
    preload,
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True only for `app://relais/...`. Compared field by field: WHATWG `URL.origin`
 * is "null" for schemes it does not know, so it cannot be used here.
 */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname.toLowerCase() === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** Links the user may follow in their own browser; anything else (file:, javascript:, custom schemes) stays closed. */
export function isExternalWebLink(url: string): boolean {
  const u = parse(url);
  return u !== null && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
}

/**
 * The window never leaves the app. External links are not followed here on
 * purpose: a script could navigate without any user gesture, while links meant
 * for the browser go through window.open (target=_blank), handled below.
 */
export function onWillNavigate(event: Event<WebContentsWillNavigateEventParams> | Event<WebContentsWillRedirectEventParams>): void {
  if (!isAppUrl(event.url)) event.preventDefault();
}

export type OpenExternal = (url: string) => Promise<void> | void;

/** No new Electron window is ever created; http(s) links open in the system browser. */
export function windowOpenHandler(openExternal: OpenExternal): (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse {
  return (details) => {
    if (isExternalWebLink(details.url)) {
      // A failure to start the browser must not become an unhandled rejection in main.
      void Promise.resolve()
        .then(() => openExternal(details.url))
        .catch(() => undefined);
    }
    return { action: 'deny' };
  };
}

type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
type DevicePermissionHandler = NonNullable<Parameters<Session['setDevicePermissionHandler']>[0]>;

/** Relais needs no camera, microphone, location, notifications, clipboard or devices. */
export const denyPermissionRequest: PermissionRequestHandler = (_contents, _permission, callback) => callback(false);
export const denyPermissionCheck: PermissionCheckHandler = () => false;
export const denyDevicePermission: DevicePermissionHandler = () => false;

/** `webviewTag: false` already refuses them; this also stops a webview a future option might allow. */
export function onWillAttachWebview(event: Pick<Event, 'preventDefault'>): void {
  event.preventDefault();
}

export interface HardenDeps {
  openExternal: OpenExternal;
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Applied to every web contents the app creates (app 'web-contents-created'), not only the main window. */
export function hardenWebContents(contents: HardenableContents, deps: HardenDeps): void {
  contents.on('will-navigate', onWillNavigate);
  contents.on('will-redirect', onWillNavigate);
  contents.on('will-attach-webview', onWillAttachWebview);
  contents.setWindowOpenHandler(windowOpenHandler(deps.openExternal));
}

/**
 * Replaces (case-insensitively) the security headers of an app response, so the
 * CSP holds even if a response was produced without them.
 */
export function withSecurityHeaders(headers: Record<string, string | string[]> | undefined): Record<string, string | string[]> {
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((k) => k.toLowerCase()));
  const kept = Object.entries(headers ?? {}).filter(([name]) => !ours.has(name.toLowerCase()));
  return { ...Object.fromEntries(kept), ...SECURITY_HEADERS };
}

export function onHeadersReceived(
  details: Pick<OnHeadersReceivedListenerDetails, 'url' | 'responseHeaders'>,
  callback: (response: HeadersReceivedResponse) => void,
): void {
  if (isAppUrl(details.url)) callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  else callback({});
}

type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(denyDevicePermission);
  // No URL filter: Electron's filter syntax is not guaranteed for custom schemes; isAppUrl decides instead.
  session.webRequest.onHeadersReceived(onHeadersReceived);
}
