import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// The real 'electron' module would try to download the binary; the preload only needs these two.
const electron = vi.hoisted(() => ({
  exposeInMainWorld: vi.fn<(key: string, api: unknown) => void>(),
  invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: electron.exposeInMainWorld },
  ipcRenderer: { invoke: electron.invoke },
}));

type Bridge = { call(method: unknown, input: unknown): Promise<unknown> };
let exposed: Record<string, unknown>;
let bridge: Bridge;

beforeAll(async () => {
  await import('../../../electron/preload/preload');
  expect(electron.exposeInMainWorld).toHaveBeenCalledOnce();
  const [key, api] = electron.exposeInMainWorld.mock.calls[0]!;
  expect(key).toBe('relais');
  exposed = api as Record<string, unknown>;
  bridge = api as Bridge;
});

beforeEach(() => {
  electron.invoke.mockReset();
});

describe('preload bridge', () => {
  it('exposes exactly one thing, window.relais.call, and no IPC or Node object', () => {
    expect(electron.exposeInMainWorld.mock.calls.map((c) => c[0])).toEqual(['relais']);
    expect(Object.keys(exposed)).toEqual(['call']);
    expect(typeof exposed.call).toBe('function');
    for (const value of Object.values(exposed)) {
      expect(value).not.toBe(electron.invoke);
      expect(value).not.toHaveProperty('invoke');
      expect(value).not.toHaveProperty('send');
      expect(value).not.toHaveProperty('on');
    }
  });

  it('forwards a known method on relais:call and returns the envelope as main sent it', async () => {
    const envelope = { ok: true, data: { version: '0.1.0', schemaVersion: 2, dataDir: '/d' } };
    electron.invoke.mockResolvedValueOnce(envelope);
    await expect(bridge.call('app:info', {})).resolves.toBe(envelope);
    expect(electron.invoke).toHaveBeenCalledExactlyOnceWith('relais:call', 'app:info', {});
  });

  it.each(['fs:readFile', 'app:info ', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '', 42, null, { toString: () => 'app:info' }])(
    'never sends unknown method %j over IPC',
    async (method) => {
      await expect(bridge.call(method, {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
      expect(electron.invoke).not.toHaveBeenCalled();
    },
  );

  it('turns an IPC failure into an INTERNAL error envelope', async () => {
    electron.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'relais:call': boom"));
    await expect(bridge.call('workspace:list', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('turns input that cannot cross IPC into a BAD_INPUT error envelope', async () => {
    electron.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'));
    await expect(bridge.call('workspace:create', { name: () => 'x' })).resolves.toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
