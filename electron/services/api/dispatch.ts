import type { z } from 'zod';
import { contract, isMethod, type Method } from '../../../shared/api/contract';
import { ApiError, type ApiReply } from '../../../shared/api/errors';
import { storageErrorMessage } from '../db/store';
import type { AppContext } from '../context';
import { handlers as defaultHandlers, type Handler, type HandlerTable } from './handlers';

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export interface DispatchLog {
  error(message: string, detail: unknown): void;
}

/**
 * The one entry point both shells call. Unknown methods, invalid input and
 * handler failures all come back as a typed error reply, never as a thrown
 * exception, so no caller can crash the process.
 */
export async function dispatch(
  ctx: AppContext,
  method: unknown,
  rawInput: unknown,
  opts: { handlers?: HandlerTable; log?: DispatchLog } = {},
): Promise<ApiReply<unknown>> {
  const table = opts.handlers ?? defaultHandlers;
  try {
    if (!isMethod(method)) {
      throw new ApiError('UNKNOWN_METHOD', `Unknown API call: ${String(method).slice(0, 80)}`);
    }
    const spec = contract[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      throw new ApiError('BAD_INPUT', `Invalid input for ${method}.`, issuesOf(parsed.error));
    }
    const handler = table[method] as Handler<Method>;
    const result = await handler(parsed.data as never, ctx);
    const checked = spec.output.safeParse(result);
    if (!checked.success) {
      opts.log?.error(`handler ${method} returned data that breaks its contract`, checked.error.issues);
      throw new ApiError('INTERNAL', `Relais produced an invalid answer for ${method}.`);
    }
    return { ok: true, data: checked.data };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toBody() };
    const storage = storageErrorMessage(e);
    if (storage) return { ok: false, error: { code: 'STORAGE', message: storage } };
    opts.log?.error(`handler ${String(method)} failed`, e);
    return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Relais; the details are in its log.' } };
  }
}
