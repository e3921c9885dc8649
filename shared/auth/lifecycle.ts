/**
 * Authentication around one send: prepare the credentials, send, and on a 401 let the scheme answer
 * once (Digest's challenge, OAuth2's new token). A 401 that remains is AUTH_FAILED naming the scheme
 * and the status, masked like every error (the scheme's derived values too).
 */
import { SendApiRequestError, type RequestEcho } from '../errors';
import { createRedactor } from '../redact';
import type { PreparedRequest } from '../request/types';
import { excerpt } from '../send/response';
import type { ApiResponse, SendOptions } from '../send/send';
import { authField } from './config';
import type { AuthContext, AuthSession } from './types';

/** The send life cycle without authentication (retries, redirects, errors): send.ts's own. */
export type PlainSend = (prepared: PreparedRequest, options: SendOptions) => Promise<ApiResponse>;

function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

export async function sendWithAuth(prepared: PreparedRequest, options: SendOptions, auth: AuthSession, send: PlainSend): Promise<ApiResponse> {
  const plain: SendOptions = { ...options, auth: undefined };
  if (!auth.covers(prepared.url)) return send(prepared, plain);
  const secrets = [...(options.secrets ?? [])];
  const context: AuthContext = {
    now: options.now ?? Date.now,
    // Token requests: the node's transport and limits, but every non-2xx is an error and the body is
    // text for the scheme to parse; POST is safe to retry here (a token request changes nothing).
    send: (request) => send(request, { ...plain, neverError: false, acceptStatus: undefined, responseFormat: 'text', retryNonIdempotent: true, onProgress: undefined }),
  };
  const callerAccepts401 = options.acceptStatus?.(401) === true;
  const withAuth = (): SendOptions => ({
    ...plain,
    secrets: [...secrets, ...auth.secretValues()],
    acceptStatus: (status) => status === 401 || options.acceptStatus?.(status) === true,
  });

  let request = await auth.prepare(prepared, context);
  let response = await send(request, withAuth());
  if (response.statusCode !== 401 || callerAccepts401) return response;
  let answered = false;
  if (sameOrigin(response.url, request.url)) {
    const retry = await auth.onUnauthorized(request, response, context);
    if (retry) {
      answered = true;
      request = retry;
      response = await send(request, withAuth());
      if (response.statusCode !== 401) return response;
    }
  }
  if (options.neverError) return response;
  const why = answered ? undefined : auth.unanswerable?.(response);
  throw authFailed(auth, request, response, answered, why, [...secrets, ...auth.secretValues()]);
}

function authFailed(auth: AuthSession, request: PreparedRequest, response: ApiResponse, answered: boolean, why: string | undefined, secrets: string[]): SendApiRequestError {
  const redactor = createRedactor(secrets);
  const echo: RequestEcho = { method: request.method, url: redactor.url(request.url), headers: redactor.headers(request.headers, request.sensitiveHeaders) };
  const bodyExcerpt = redactor.text(excerpt(response.body));
  const again = answered ? (auth.type === 'digest' ? ' after its challenge was answered' : auth.type === 'oauth2' ? ' again with a new token' : ' again') : why ? ` ${why}` : '';
  const status = `${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
  return new SendApiRequestError('AUTH_FAILED', redactor.text(`${auth.label} authentication failed: the API answered ${status} to ${echo.method} ${echo.url}${again}${bodyExcerpt ? `: ${bodyExcerpt}` : '.'}`), {
    field: authField('authType'),
    statusCode: response.statusCode,
    statusMessage: response.statusMessage,
    responseHeaders: response.headers,
    responseExcerpt: bodyExcerpt,
    request: echo,
    hint: auth.failureHint,
  });
}
