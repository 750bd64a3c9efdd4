import { ApiError } from '../../../shared/api/errors';

/**
 * The stats engine throws RangeErrors whose message starts with the field it
 * rejects ("variants[1].conversions (12) cannot exceed …"). Returns that field
 * as a dotted path ("variants.1.conversions"), or null.
 */
export function engineErrorField(error: RangeError): string | null {
  const match = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_]\w*)*)\b/.exec(error.message);
  if (!match?.[1]) return null;
  return match[1].replace(/\[(\d+)\]/g, '.$1');
}

/** Runs `compute`, turning the engine's RangeErrors into BAD_INPUT naming the field. */
export function withEngineErrors<T>(compute: () => T): T {
  try {
    return compute();
  } catch (e) {
    if (e instanceof RangeError) {
      const field = engineErrorField(e);
      throw new ApiError('BAD_INPUT', e.message, field === null ? undefined : [{ path: field, message: e.message }]);
    }
    throw e;
  }
}
