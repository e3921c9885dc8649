/**
 * OAuth2 client credentials (RFC 6749 §4.4): a token is fetched from the token URL through the
 * node's own transport, cached per node until shortly before it expires, sent as a Bearer token,
 * and fetched again once when the API answers 401.
 */
import { createHash } from 'node:crypto';
import { SendApiRequestError, isSendApiRequestError } from '../errors';
import { createRedactor } from '../redact';
import type { PreparedRequest } from '../request/types';
import { excerpt } from '../send/response';
import { authField, lookupSecret, type AuthSettings } from './config';
import { base64, withCredentialHeader } from './request-edit';
import { emptySecret, type SchemeSession } from './static';
import type { IssuedToken, TokenCache } from './token-cache';
import type { AuthContext } from './types';

interface Client {
  id: string;
  secret: string;
}

/** application/x-www-form-urlencoded form of one value (RFC 6749 §2.3.1 encodes id and secret so). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export function tokenRequest(s: AuthSettings, client: Client): PreparedRequest {
  const params = new URLSearchParams({ grant_type: 'client_credentials' });
  if (s.oauth2Scope.trim() !== '') params.set('scope', s.oauth2Scope.trim());
  if (s.oauth2Audience.trim() !== '') params.set('audience', s.oauth2Audience.trim());
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  const sensitiveHeaders: string[] = [];
  if (s.oauth2ClientAuth === 'body') {
    params.set('client_id', client.id);
    params.set('client_secret', client.secret);
  } else {
    headers.Authorization = `Basic ${base64(`${formEncode(client.id)}:${formEncode(client.secret)}`)}`;
    sensitiveHeaders.push('authorization');
  }
  return { method: 'POST', url: s.oauth2TokenUrl, headers, body: params.toString(), sensitiveHeaders };
}

function failed(message: string, details: { statusCode?: number; cause?: unknown; hint?: string } = {}): SendApiRequestError {
  return new SendApiRequestError('AUTH_FAILED', `OAuth2 token request failed: ${message}`, {
    field: authField('oauth2TokenUrl'),
    statusCode: details.statusCode,
    cause: details.cause,
    hint: details.hint ?? 'Check the token URL, the client ID and secret chosen, the scope and the audience.',
  });
}

/** The token endpoint's answer: JSON (RFC 6749 §5.1), or form-encoded as some servers still send. */
export function parseTokenResponse(body: unknown): IssuedToken {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    fields = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const token = fields.access_token;
  if (typeof token !== 'string' || token === '') {
    throw failed('the token endpoint\'s answer has no access_token.', { hint: 'Check that the token URL is the OAuth2 token endpoint and that it supports the client credentials grant.' });
  }
  if (!/^[\x20-\x7e]+$/.test(token)) {
    throw failed('the access_token contains characters that cannot be sent in a header.', { hint: 'The token endpoint sent an unusable token; check the token URL.' });
  }
  const expires = typeof fields.expires_in === 'string' ? Number(fields.expires_in) : fields.expires_in;
  const lifetimeMs = typeof expires === 'number' && Number.isFinite(expires) && expires > 0 ? expires * 1000 : undefined;
  return { accessToken: token, lifetimeMs };
}

/** RFC 6749 §5.2 error fields of a refused token request, for the message. */
function oauthError(body: unknown): string {
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    if (parsed !== null && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
  } catch {
    return excerpt(body, 200);
  }
  const code = typeof fields.error === 'string' ? fields.error : '';
  const description = typeof fields.error_description === 'string' ? fields.error_description : '';
  return [code, description].filter((x) => x !== '').join(': ') || excerpt(body, 200);
}

async function fetchToken(s: AuthSettings, client: Client, context: AuthContext): Promise<IssuedToken> {
  const redactor = createRedactor([client.id, client.secret]);
  let response;
  try {
    response = await context.send(tokenRequest(s, client));
  } catch (err) {
    if (isSendApiRequestError(err) && err.code === 'HTTP_STATUS' && err.statusCode !== undefined) {
      const why = redactor.text(oauthError(err.responseBody));
      throw failed(`the token endpoint answered ${err.statusCode}${err.statusMessage ? ` ${err.statusMessage}` : ''} to POST ${redactor.url(s.oauth2TokenUrl)}${why ? ` (${why})` : ''}.`, {
        statusCode: err.statusCode,
        cause: err,
        hint: err.statusCode === 400 || err.statusCode === 401 ? 'Check the client ID and secret chosen, the scope and the audience, and whether the server wants the client credentials in the body or as a Basic header.' : undefined,
      });
    }
    const message = isSendApiRequestError(err) ? err.message : 'the request could not be sent.';
    throw failed(redactor.text(message), { cause: err, hint: isSendApiRequestError(err) ? err.hint : undefined });
  }
  return parseTokenResponse(response.body);
}

/** The cache key: one entry per client configuration, the secret itself only as a hash. */
function cacheKey(s: AuthSettings, client: Client): string {
  return createHash('sha256').update(JSON.stringify([s.oauth2TokenUrl, client.id, client.secret, s.oauth2Scope, s.oauth2Audience, s.oauth2ClientAuth])).digest('hex');
}

export function oauth2Scheme(s: AuthSettings, secrets: Record<string, string>, cache: TokenCache): SchemeSession {
  const client = { id: lookupSecret(secrets, 'oauth2ClientId', s, 'client ID'), secret: lookupSecret(secrets, 'oauth2ClientSecret', s, 'client secret') };
  if (client.id === '') throw emptySecret('oauth2ClientId', s.oauth2ClientId);
  if (client.secret === '') throw emptySecret('oauth2ClientSecret', s.oauth2ClientSecret);
  const key = cacheKey(s, client);
  const used = new Set<string>();
  const sentWith = new WeakMap<PreparedRequest, string>();

  const authorize = async (request: PreparedRequest, context: AuthContext): Promise<PreparedRequest> => {
    const token = await cache.get(key, () => fetchToken(s, client, context), () => context.now());
    used.add(token);
    const out = withCredentialHeader(request, 'Authorization', `Bearer ${token}`);
    sentWith.set(out, token);
    return out;
  };

  return {
    label: 'OAuth2',
    failureHint: 'The API refused a freshly fetched token: check the scope and audience, and that the client may call this API.',
    prepare: authorize,
    onUnauthorized: async (request, _response, context) => {
      const token = sentWith.get(request);
      if (token !== undefined) cache.invalidate(key, token);
      return authorize(request, context);
    },
    secretValues: () => [...used],
  };
}
