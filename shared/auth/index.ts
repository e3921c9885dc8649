/** Authentication schemes built on the secret keys (issue 8). */
export { AUTH_TYPES, DEFAULT_AUTH, SCHEME_LABELS, SECRET_NAME_FIELDS, normalizeAuth, checkAuthSettings, lookupSecret, authField } from './config';
export type { AuthType, AuthSettings } from './config';
export { compileAuth, createAuthSession } from './session';
export type { CompiledAuth, AuthSessionDeps } from './session';
export { createTokenCache, renewMargin } from './token-cache';
export type { TokenCache, IssuedToken } from './token-cache';
export { parseChallenges } from './challenge';
export type { Challenge } from './challenge';
export { digestResponse, digestAuthorization, pickDigestChallenge } from './digest';
export type { DigestParts, DigestInput } from './digest';
export { tokenRequest, parseTokenResponse } from './oauth2';
export { sendWithAuth } from './lifecycle';
export type { AuthSession, AuthContext } from './types';
