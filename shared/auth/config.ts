/**
 * The saved authentication settings (flat names, the same in both hosts: Node-RED node properties,
 * the n8n `authentication` collection), their defaults and their checks. Settings hold secret NAMES,
 * never values; the values are looked up in the secret keys when a request is sent.
 */
import { SendApiRequestError } from '../errors';

export const AUTH_TYPES = ['none', 'basic', 'bearer', 'apiKey', 'digest', 'oauth2'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export interface AuthSettings {
  authType: AuthType;
  /** Secret name (Basic, Digest). */
  authUsername: string;
  /** Secret name (Basic, Digest); empty sends an empty password. */
  authPassword: string;
  /** Secret name (Bearer). */
  authToken: string;
  /** Header or query parameter name (API key). */
  authKeyName: string;
  authKeyIn: 'header' | 'query';
  /** Secret name (API key). */
  authKeySecret: string;
  /** Plain URL of the token endpoint (OAuth2). */
  oauth2TokenUrl: string;
  /** Secret name (OAuth2). */
  oauth2ClientId: string;
  /** Secret name (OAuth2). */
  oauth2ClientSecret: string;
  oauth2Scope: string;
  oauth2Audience: string;
  /** How the client authenticates at the token endpoint: a Basic header (RFC 6749 §2.3.1) or body fields. */
  oauth2ClientAuth: 'header' | 'body';
}

export const DEFAULT_AUTH: Readonly<AuthSettings> = Object.freeze({
  authType: 'none',
  authUsername: '',
  authPassword: '',
  authToken: '',
  authKeyName: '',
  authKeyIn: 'header',
  authKeySecret: '',
  oauth2TokenUrl: '',
  oauth2ClientId: '',
  oauth2ClientSecret: '',
  oauth2Scope: '',
  oauth2Audience: '',
  oauth2ClientAuth: 'header',
});

const CHOICES: Partial<Record<keyof AuthSettings, readonly string[]>> = {
  authType: AUTH_TYPES,
  authKeyIn: ['header', 'query'],
  oauth2ClientAuth: ['header', 'body'],
};

/** Fields whose value names a secret of the secret keys. */
export const SECRET_NAME_FIELDS: ReadonlySet<keyof AuthSettings> = new Set([
  'authUsername', 'authPassword', 'authToken', 'authKeySecret', 'oauth2ClientId', 'oauth2ClientSecret',
] as const);

/** The name users see for each scheme, in messages. */
export const SCHEME_LABELS: Record<AuthType, string> = {
  none: 'No',
  basic: 'Basic',
  bearer: 'Bearer',
  apiKey: 'API key',
  digest: 'Digest',
  oauth2: 'OAuth2 client credentials',
};

/** The error field of an authentication setting (hosts map it onto their own form). */
export function authField(name: keyof AuthSettings): string {
  return `authentication.${name}`;
}

function invalid(name: keyof AuthSettings, message: string, hint?: string): SendApiRequestError {
  return new SendApiRequestError('INVALID_CONFIG', `Authentication: ${message}`, { field: authField(name), hint });
}

/** A secret name as users may write it: `TOKEN` or `#secrets.TOKEN`. */
function secretName(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('#secrets.') ? trimmed.slice('#secrets.'.length).trim() : trimmed;
}

/**
 * Fills defaults and checks types and choices. A saved flow or workflow from before authentication
 * existed has none of these names and gets `none`.
 */
export function normalizeAuth(raw: Record<string, unknown> | undefined | null): AuthSettings {
  const out: Record<string, string> = { ...DEFAULT_AUTH };
  for (const name of Object.keys(DEFAULT_AUTH) as Array<keyof AuthSettings>) {
    const v = raw?.[name];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw invalid(name, `${name} must be text, not ${typeof v}.`);
    const choices = CHOICES[name];
    if (choices && !choices.includes(v)) throw invalid(name, `${name} "${v}" is not one of ${choices.join(', ')}.`);
    out[name] = SECRET_NAME_FIELDS.has(name) ? secretName(v) : name === 'oauth2TokenUrl' || name === 'authKeyName' ? v.trim() : v;
  }
  return out as unknown as AuthSettings;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function required(s: AuthSettings, name: keyof AuthSettings, what: string): void {
  if (s[name] === '') throw invalid(name, `${SCHEME_LABELS[s.authType]} authentication needs ${what}.`, 'Fill in the field, or choose another authentication.');
}

/** Checks that the settings of the chosen scheme are complete and well-formed (no secrets needed). */
export function checkAuthSettings(s: AuthSettings): void {
  switch (s.authType) {
    case 'none':
      return;
    case 'basic':
    case 'digest':
      required(s, 'authUsername', 'the name of the secret that holds the username');
      return;
    case 'bearer':
      required(s, 'authToken', 'the name of the secret that holds the token');
      return;
    case 'apiKey':
      required(s, 'authKeyName', `the name of the ${s.authKeyIn === 'query' ? 'query parameter' : 'header'} that carries the key`);
      if (s.authKeyIn === 'header' && !TOKEN.test(s.authKeyName)) {
        throw invalid('authKeyName', `"${s.authKeyName}" is not a valid header name.`, 'Header names are letters, digits and - _ . ! # $ % & \' * + ^ ` | ~ with no spaces, e.g. X-API-Key.');
      }
      required(s, 'authKeySecret', 'the name of the secret that holds the key');
      return;
    case 'oauth2':
      required(s, 'oauth2TokenUrl', 'the token URL');
      checkTokenUrl(s.oauth2TokenUrl);
      required(s, 'oauth2ClientId', 'the name of the secret that holds the client ID');
      required(s, 'oauth2ClientSecret', 'the name of the secret that holds the client secret');
      return;
  }
}

function checkTokenUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('oauth2TokenUrl', `the token URL "${url}" is not a valid URL.`, 'Write the full token URL, e.g. https://auth.example.com/oauth/token.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid('oauth2TokenUrl', 'the token URL must start with http:// or https://.', 'Write the full token URL, e.g. https://auth.example.com/oauth/token.');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid('oauth2TokenUrl', 'the token URL must not contain a user name or password.', 'Put the client ID and secret in the secret keys and choose their names instead.');
  }
}

/**
 * Looks a chosen secret up. A name that does not exist fails like an unknown `#secrets.NAME`
 * variable, listing the names that exist (never values).
 */
export function lookupSecret(secrets: Record<string, string>, name: keyof AuthSettings, settings: AuthSettings, what: string): string {
  const chosen = settings[name];
  if (Object.prototype.hasOwnProperty.call(secrets, chosen) && typeof secrets[chosen] === 'string') return secrets[chosen];
  const names = Object.keys(secrets);
  throw new SendApiRequestError('UNKNOWN_VARIABLE', `Authentication: the secret "${chosen}" chosen for the ${what} does not exist. Secret names: ${names.length ? names.join(', ') : 'none defined'}.`, {
    field: authField(name),
    hint: 'Add a secret with that name to the secret keys, or choose one of the names listed.',
  });
}
