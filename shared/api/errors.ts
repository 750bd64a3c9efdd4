import { z } from 'zod';

/**
 * Every failure that crosses a shell (IPC or HTTP) is one of these codes, so the
 * renderer and scripts can react to the kind of failure rather than parse text.
 */
export const ApiErrorCode = z.enum([
  'BAD_INPUT',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'STORAGE',
  'INTERNAL',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorBody = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** Field-level problems for BAD_INPUT: path is dotted, e.g. "timeZone". */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiErrorBody['issues'];
  constructor(code: ApiErrorCode, message: string, issues?: ApiErrorBody['issues']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  toBody(): ApiErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues);
  }
}

/** One reply shape on both transports. */
export type ApiReply<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };

export const ApiReplyEnvelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorBody }),
]);

/** HTTP status the browser shell answers with for each error code. */
export const httpStatusOf: Record<ApiErrorCode, number> = {
  BAD_INPUT: 400,
  UNKNOWN_METHOD: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORAGE: 507,
  INTERNAL: 500,
};
