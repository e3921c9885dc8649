/** Schemes whose credentials are known before sending: Basic, Bearer and API key. */
import { SendApiRequestError } from '../errors';
import { authField, lookupSecret, type AuthSettings } from './config';
import { base64, checkSecretForHeader, withCredentialHeader, withQueryParam } from './request-edit';
import type { AuthSession } from './types';

/** A scheme's part of a session; session.ts adds the type and the origin binding. */
export type SchemeSession = Omit<AuthSession, 'type' | 'covers'>;

function nothingToAnswer(): Promise<undefined> {
  return Promise.resolve(undefined);
}

/** RFC 7617: `Authorization: Basic base64(user:password)`, UTF-8. */
export function basicScheme(s: AuthSettings, secrets: Record<string, string>): SchemeSession {
  const user = lookupSecret(secrets, 'authUsername', s, 'username');
  const password = s.authPassword === '' ? '' : lookupSecret(secrets, 'authPassword', s, 'password');
  if (user.includes(':')) {
    throw new SendApiRequestError('INVALID_CONFIG', `Authentication: the username in the secret "${s.authUsername}" contains a colon, which Basic authentication cannot carry.`, {
      field: authField('authUsername'),
      hint: 'Use Digest authentication, or a username without ":".',
    });
  }
  const credentials = base64(`${user}:${password}`);
  return {
    label: 'Basic',
    failureHint: `Check ${userPasswordHint(s)}.`,
    prepare: async (request) => withCredentialHeader(request, 'Authorization', `Basic ${credentials}`),
    onUnauthorized: nothingToAnswer,
    secretValues: () => [credentials],
  };
}

/** RFC 6750: `Authorization: Bearer token`. */
export function bearerScheme(s: AuthSettings, secrets: Record<string, string>): SchemeSession {
  const token = lookupSecret(secrets, 'authToken', s, 'token');
  if (token === '') throw emptySecret('authToken', s.authToken);
  checkSecretForHeader(token, 'authToken', s.authToken);
  return {
    label: 'Bearer',
    failureHint: `Check the token in the secret "${s.authToken}": it may be wrong, expired or lack a permission.`,
    prepare: async (request) => withCredentialHeader(request, 'Authorization', `Bearer ${token}`),
    onUnauthorized: nothingToAnswer,
    secretValues: () => [],
  };
}

/** An API key in a header of the user's naming, or in a query parameter. */
export function apiKeyScheme(s: AuthSettings, secrets: Record<string, string>): SchemeSession {
  const key = lookupSecret(secrets, 'authKeySecret', s, 'API key');
  if (key === '') throw emptySecret('authKeySecret', s.authKeySecret);
  if (s.authKeyIn === 'header') checkSecretForHeader(key, 'authKeySecret', s.authKeySecret);
  const where = s.authKeyIn === 'query' ? `query parameter "${s.authKeyName}"` : `header "${s.authKeyName}"`;
  return {
    label: 'API key',
    failureHint: `Check the key in the secret "${s.authKeySecret}" and that the API expects it in the ${where}.`,
    prepare: async (request) => (s.authKeyIn === 'query' ? withQueryParam(request, s.authKeyName, key) : withCredentialHeader(request, s.authKeyName, key)),
    onUnauthorized: nothingToAnswer,
    secretValues: () => [],
  };
}

/** Names (never values) of the secrets a username/password scheme uses, for hints. */
export function userPasswordHint(s: AuthSettings): string {
  return `the secrets chosen for the username ("${s.authUsername}") and the password${s.authPassword ? ` ("${s.authPassword}")` : ''}`;
}

export function emptySecret(name: keyof AuthSettings, chosen: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_CONFIG', `Authentication: the secret "${chosen}" is empty.`, {
    field: authField(name),
    hint: 'Give the secret a value in the secret keys.',
  });
}
