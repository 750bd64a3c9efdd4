/**
 * Graph API error bodies as Meta sends them:
 * `{"error":{"message","type","code","error_subcode"?,"is_transient"?,"error_user_title"?,"error_user_msg"?,"fbtrace_id"}}`.
 */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id: string;
}

export interface GraphErrorSpec {
  status: number;
  message: string;
  type: string;
  code: number;
  subcode?: number;
  transient?: boolean;
  userTitle?: string;
  userMsg?: string;
}

/** The codes the simulator can answer with; the client must handle each. */
export const graphErrors = {
  missingToken: (): GraphErrorSpec => ({ status: 400, code: 190, type: 'OAuthException', message: 'An access token is required to request this resource.' }),
  invalidToken: (): GraphErrorSpec => ({ status: 400, code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' }),
  revokedToken: (): GraphErrorSpec => ({
    status: 400,
    code: 190,
    subcode: 460,
    type: 'OAuthException',
    message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    userTitle: 'Session expired',
    userMsg: 'Your session has expired. Please log in again.',
  }),
  pageTokenRequired: (): GraphErrorSpec => ({ status: 400, code: 210, type: 'OAuthException', message: '(#210) A page access token is required to request this resource.' }),
  unsupportedGet: (id: string): GraphErrorSpec => ({
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  }),
  unknownPath: (path: string): GraphErrorSpec => ({ status: 400, code: 2500, type: 'OAuthException', message: `Unknown path components: ${path}` }),
  badField: (field: string, node: string): GraphErrorSpec => ({ status: 400, code: 100, type: 'OAuthException', message: `(#100) Tried accessing nonexisting field (${field}) on node type (${node})` }),
  badParam: (message: string): GraphErrorSpec => ({ status: 400, code: 100, type: 'OAuthException', message: `(#100) ${message}` }),
  expiredCursor: (): GraphErrorSpec => ({ status: 400, code: 100, type: 'OAuthException', message: '(#100) The cursor is invalid or has expired. Start the listing again from the first page.' }),
  tooManyInBatch: (max: number): GraphErrorSpec => ({ status: 400, code: 100, type: 'OAuthException', message: `(#100) Too many requests in batch message. Maximum batch size is ${max}` }),
  appLimit: (): GraphErrorSpec => ({ status: 400, code: 4, type: 'OAuthException', transient: true, message: '(#4) Application request limit reached' }),
  userLimit: (): GraphErrorSpec => ({ status: 400, code: 17, type: 'OAuthException', transient: true, message: '(#17) User request limit reached' }),
  pageLimit: (): GraphErrorSpec => ({ status: 400, code: 32, type: 'OAuthException', transient: true, message: '(#32) Page request limit reached' }),
  apiLimit: (): GraphErrorSpec => ({ status: 400, code: 613, type: 'OAuthException', transient: true, message: '(#613) Calls to this api have exceeded the rate limit.' }),
  messengerLimit: (): GraphErrorSpec => ({
    status: 400,
    code: 80006,
    type: 'OAuthException',
    transient: true,
    message: '(#80006) There have been too many calls for this Messenger account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
  }),
  unknown500: (): GraphErrorSpec => ({ status: 500, code: 1, type: 'OAuthException', transient: true, message: 'An unknown error has occurred.' }),
  unavailable503: (): GraphErrorSpec => ({ status: 503, code: 2, type: 'OAuthException', transient: true, message: 'An unexpected error has occurred. Please retry your request later.' }),
  temporary1200: (): GraphErrorSpec => ({ status: 500, code: 1200, type: 'OAuthException', transient: true, message: '(#1200) Temporary send message failure. Please try again later' }),
  devicePending: (): GraphErrorSpec => ({
    status: 400,
    code: 31,
    subcode: 1349174,
    type: 'OAuthException',
    message: '(#31) User has not yet authorized your application',
    userTitle: 'Device Login Authorization Pending',
    userMsg: 'User has not yet authorized your application. Continue polling.',
  }),
  deviceSlowDown: (): GraphErrorSpec => ({
    status: 400,
    code: 17,
    subcode: 1349172,
    type: 'OAuthException',
    message: '(#17) User request limit reached',
    userTitle: 'OAuth Device Excessive Polling',
    userMsg: 'You are polling too frequently. Slow down your polling.',
  }),
  deviceExpired: (): GraphErrorSpec => ({
    status: 400,
    code: 463,
    subcode: 1349152,
    type: 'OAuthException',
    message: 'Error validating access token: Session has expired.',
    userTitle: 'Activation Code Expired',
    userMsg: 'The code you entered has expired. Please go back to your device for a new code and try again.',
  }),
  deviceBadCode: (): GraphErrorSpec => ({ status: 400, code: 100, type: 'OAuthException', message: '(#100) The parameter code is required or is invalid' }),
  appTokenRequired: (): GraphErrorSpec => ({ status: 400, code: 190, type: 'OAuthException', message: 'Invalid OAuth access token. The device login endpoints take an app access token APP_ID|CLIENT_TOKEN.' }),
} as const;

export function errorBody(spec: GraphErrorSpec, fbtraceId: string): { error: GraphErrorBody } {
  const e: GraphErrorBody = { message: spec.message, type: spec.type, code: spec.code, fbtrace_id: fbtraceId };
  if (spec.subcode !== undefined) e.error_subcode = spec.subcode;
  if (spec.transient) e.is_transient = true;
  if (spec.userTitle !== undefined) e.error_user_title = spec.userTitle;
  if (spec.userMsg !== undefined) e.error_user_msg = spec.userMsg;
  return { error: e };
}
