import type { Event, Session, WebContents, WebContentsWillNavigateEventParams } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../electron/main/csp';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  denyDevicePermission,
  denyPermissionCheck,
  denyPermissionRequest,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  onHeadersReceived,
  onWillAttachWebview,
  onWillNavigate,
  webPreferences,
  windowOpenHandler,
} from '../../../electron/main/security';

function navigation(url: string): Event<WebContentsWillNavigateEventParams> & { prevented: boolean } {
  const event = {
    url,
    isSameDocument: false,
    isMainFrame: true,
    frame: null,
    prevented: false,
    defaultPrevented: false,
    preventDefault() {
      event.prevented = true;
    },
  };
  return event;
}

const outside = [
  'https://example.com/',
  'http://127.0.0.1:5173/index.html',
  'file:///etc/passwd',
  'file:///C:/Windows/win.ini',
  'app://other/index.html',
  'app://relais.evil.com/index.html',
  'app://user@relais/index.html',
  'app://relais:8080/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'devtools://devtools/bundled/inspector.html',
  'about:blank',
  'not a url',
];

describe('webPreferences', () => {
  const prefs = webPreferences('/app/dist/electron/preload.cjs');

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['spellcheck', false],
    ['navigateOnDragDrop', false],
  ] as const)('sets %s to %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('passes the preload path and nothing else', () => {
    expect(prefs.preload).toBe('/app/dist/electron/preload.cjs');
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });
});

describe('app origin', () => {
  it('is app://relais and the entry page is on it', () => {
    expect(APP_ORIGIN).toBe('app://relais');
    expect(APP_ENTRY_URL.startsWith(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
  });

  it.each(outside)('does not count %s as the app', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('will-navigate', () => {
  it.each(['app://relais/index.html', 'app://relais/workspaces?x=1#top', 'app://relais/'])('lets the app move within itself: %s', (url) => {
    const event = navigation(url);
    onWillNavigate(event);
    expect(event.prevented).toBe(false);
  });

  it.each(outside)('prevents leaving for %s', (url) => {
    const event = navigation(url);
    onWillNavigate(event);
    expect(event.prevented).toBe(true);
  });
});

describe('window.open handler', () => {
  it.each(['https://www.facebook.com/business/help', 'http://example.com/page?q=1'])('denies the window and hands %s to the system browser', async (url) => {
    const openExternal = vi.fn(async () => undefined);
    expect(windowOpenHandler(openExternal)({ url })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(openExternal).toHaveBeenCalledWith(url));
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,hi',
    'app://relais/index.html',
    'smb://server/share',
    'ms-settings:privacy',
    'vscode://file/etc/passwd',
    'mailto:someone@example.com',
    'about:blank',
    'not a url',
  ])('denies %s and never opens it', async (url) => {
    const openExternal = vi.fn(async () => undefined);
    expect(windowOpenHandler(openExternal)({ url })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('survives a browser that fails to start', async () => {
    const openExternal = vi.fn(async () => {
      throw new Error('no browser');
    });
    expect(windowOpenHandler(openExternal)({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(openExternal).toHaveBeenCalled());
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb'] as const)(
    'denies a request for %s',
    (permission) => {
      const callback = vi.fn();
      denyPermissionRequest({} as WebContents, permission, callback, {} as never);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(denyPermissionCheck(null, permission, APP_ORIGIN, {} as never)).toBe(false);
    },
  );

  it('denies device access', () => {
    expect(denyDevicePermission({} as never)).toBe(false);
  });
});

describe('webviews', () => {
  it('prevents attaching one', () => {
    const preventDefault = vi.fn();
    onWillAttachWebview({ preventDefault });
    expect(preventDefault).toHaveBeenCalledOnce();
  });
});

describe('hardenWebContents', () => {
  it('wires navigation, redirects, webviews and window.open', () => {
    const listeners = new Map<string, (...args: never[]) => void>();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    const contents = {
      on(event: string, listener: (...args: never[]) => void) {
        listeners.set(event, listener);
        return contents;
      },
      setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
        openHandler = handler;
      },
    };
    const openExternal = vi.fn();
    hardenWebContents(contents as unknown as WebContents, { openExternal });

    expect([...listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    const away = navigation('https://example.com');
    (listeners.get('will-navigate') as (e: typeof away) => void)(away);
    expect(away.prevented).toBe(true);
    const redirect = navigation('http://169.254.169.254/');
    (listeners.get('will-redirect') as (e: typeof redirect) => void)(redirect);
    expect(redirect.prevented).toBe(true);
    expect(openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const calls: Record<string, unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => (calls.request = h),
      setPermissionCheckHandler: (h: unknown) => (calls.check = h),
      setDevicePermissionHandler: (h: unknown) => (calls.device = h),
      webRequest: { onHeadersReceived: (h: unknown) => (calls.headers = h) },
    };
    return { session: session as unknown as Session, calls };
  }

  it('installs the deny-all permission handlers and the header listener', () => {
    const { session, calls } = fakeSession();
    hardenSession(session);
    expect(calls.request).toBe(denyPermissionRequest);
    expect(calls.check).toBe(denyPermissionCheck);
    expect(calls.device).toBe(denyDevicePermission);
    expect(calls.headers).toBe(onHeadersReceived);
  });

  it('puts the CSP and security headers on app responses, replacing weaker ones', () => {
    const callback = vi.fn();
    onHeadersReceived(
      { url: 'app://relais/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } },
      callback,
    );
    const headers = callback.mock.calls[0]?.[0].responseHeaders as Record<string, unknown>;
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers[name]).toBe(value);
  });

  it('leaves other responses as they are', () => {
    const callback = vi.fn();
    onHeadersReceived({ url: 'devtools://devtools/bundled/inspector.html', responseHeaders: {} }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({});
  });
});
