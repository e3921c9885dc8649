/** From saved settings to one input's AuthSession. */
import { checkAuthSettings, normalizeAuth, type AuthSettings, type AuthType } from './config';
import { digestScheme, type DigestDeps } from './digest';
import { oauth2Scheme } from './oauth2';
import { apiKeyScheme, basicScheme, bearerScheme, type SchemeSession } from './static';
import { createTokenCache, type TokenCache } from './token-cache';
import type { AuthSession } from './types';

/** A node's authentication, checked once (at deploy in Node-RED, per execution in n8n). */
export interface CompiledAuth {
  settings: AuthSettings;
  /** OAuth2 tokens of this node; lives as long as the compiled node (or the host's own cache). */
  tokens: TokenCache;
}

/**
 * Normalizes and checks the saved settings (INVALID_CONFIG naming the field). `tokens`: a cache the
 * host keeps longer than the compiled node (n8n compiles per execution); by default a new one.
 */
export function compileAuth(raw: Record<string, unknown> | undefined | null, tokens: TokenCache = createTokenCache()): CompiledAuth {
  const settings = normalizeAuth(raw);
  checkAuthSettings(settings);
  return { settings, tokens };
}

export type AuthSessionDeps = DigestDeps;

function schemeFor(type: Exclude<AuthType, 'none'>, auth: CompiledAuth, secrets: Record<string, string>, deps: AuthSessionDeps): SchemeSession {
  const s = auth.settings;
  switch (type) {
    case 'basic':
      return basicScheme(s, secrets);
    case 'bearer':
      return bearerScheme(s, secrets);
    case 'apiKey':
      return apiKeyScheme(s, secrets);
    case 'digest':
      return digestScheme(s, secrets, deps);
    case 'oauth2':
      return oauth2Scheme(s, secrets, auth.tokens);
  }
}

/**
 * The session for one input: looks the chosen secrets up (UNKNOWN_VARIABLE listing the names when
 * one is missing) and binds the credentials to the origin of the first request, so pagination that
 * moves to another origin (or from https to http) never carries them there.
 */
export function createAuthSession(auth: CompiledAuth | undefined, secrets: Record<string, string>, deps: AuthSessionDeps = {}): AuthSession | undefined {
  if (!auth || auth.settings.authType === 'none') return undefined;
  const type = auth.settings.authType;
  const scheme = schemeFor(type, auth, secrets, deps);
  let origin: string | undefined;
  return {
    type,
    label: scheme.label,
    failureHint: scheme.failureHint,
    covers: (url) => {
      const o = new URL(url).origin;
      origin ??= o;
      return o === origin;
    },
    prepare: scheme.prepare,
    onUnauthorized: scheme.onUnauthorized,
    unanswerable: scheme.unanswerable,
    secretValues: scheme.secretValues,
  };
}
