/**
 * HTTP Digest (RFC 7616): the first request goes out without credentials; the 401 challenge is
 * answered once. MD5, SHA-256 and SHA-512-256, each also as -sess; qop auth or auth-int, or none
 * (RFC 2069 servers). node:crypto is one of the modules n8n's community-node lint allows.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PreparedRequest, RequestBody } from '../request/types';
import { headerValue } from '../send/response';
import { describeChallenges, parseChallenges, type Challenge } from './challenge';
import { lookupSecret, type AuthSettings } from './config';
import { withCredentialHeader } from './request-edit';
import { userPasswordHint, type SchemeSession } from './static';

/** Hash names of RFC 7616 §6.1 with node:crypto's names, strongest first (the order we prefer). */
const ALGORITHMS: ReadonlyArray<[string, string]> = [['SHA-512-256', 'sha512-256'], ['SHA-256', 'sha256'], ['MD5', 'md5']];

export interface DigestParts {
  algorithm: string;
  realm: string;
  nonce: string;
  opaque?: string;
  qop?: 'auth' | 'auth-int';
  userhash: boolean;
}

export interface DigestInput {
  username: string;
  password: string;
  method: string;
  /** The request-target: path and query. */
  uri: string;
  body?: RequestBody;
  cnonce: string;
  nc: number;
}

function hashName(algorithm: string): string | undefined {
  const base = algorithm.toUpperCase().replace(/-SESS$/, '');
  return ALGORITHMS.find(([name]) => name === base)?.[1];
}

function hex(algorithm: string, data: string | Buffer): string {
  return createHash(hashName(algorithm) ?? 'md5').update(data).digest('hex');
}

/** The digest a challenge can be answered with, or undefined when we support none it offers. */
export function pickDigestChallenge(challenges: Challenge[]): DigestParts | undefined {
  const usable = challenges
    .filter((c) => c.scheme === 'digest' && c.params.nonce !== undefined && hashName(c.params.algorithm ?? 'MD5') !== undefined)
    .map((c) => ({ c, qop: chooseQop(c.params.qop) }))
    .filter((x): x is { c: Challenge; qop: 'auth' | 'auth-int' | undefined } => x.qop !== null);
  const strength = (c: Challenge) => ALGORITHMS.findIndex(([name]) => name === (c.params.algorithm ?? 'MD5').toUpperCase().replace(/-SESS$/, ''));
  usable.sort((a, b) => strength(a.c) - strength(b.c));
  const best = usable[0];
  if (!best) return undefined;
  const p = best.c.params;
  return {
    algorithm: p.algorithm ?? 'MD5',
    realm: p.realm ?? '',
    nonce: p.nonce,
    opaque: p.opaque,
    qop: best.qop,
    userhash: (p.userhash ?? '').toLowerCase() === 'true',
  };
}

/** `auth` when offered, else `auth-int`; undefined when the server sent no qop; null when none is usable. */
function chooseQop(qop: string | undefined): 'auth' | 'auth-int' | undefined | null {
  if (qop === undefined) return undefined;
  const offered = qop.split(',').map((q) => q.trim().toLowerCase());
  if (offered.includes('auth')) return 'auth';
  if (offered.includes('auth-int')) return 'auth-int';
  return null;
}

/** The `response` value of RFC 7616 §3.4.1. */
export function digestResponse(parts: DigestParts, input: DigestInput): string {
  const alg = parts.algorithm;
  const nc = input.nc.toString(16).padStart(8, '0');
  let ha1 = hex(alg, `${input.username}:${parts.realm}:${input.password}`);
  if (/-sess$/i.test(alg)) ha1 = hex(alg, `${ha1}:${parts.nonce}:${input.cnonce}`);
  const a2 = parts.qop === 'auth-int' ? `${input.method}:${input.uri}:${hex(alg, input.body ?? '')}` : `${input.method}:${input.uri}`;
  const ha2 = hex(alg, a2);
  return parts.qop ? hex(alg, `${ha1}:${parts.nonce}:${nc}:${input.cnonce}:${parts.qop}:${ha2}`) : hex(alg, `${ha1}:${parts.nonce}:${ha2}`);
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The Authorization header value answering the challenge. */
export function digestAuthorization(parts: DigestParts, input: DigestInput): string {
  const nc = input.nc.toString(16).padStart(8, '0');
  const fields: string[] = [];
  if (parts.userhash) fields.push(`username=${quote(hex(parts.algorithm, `${input.username}:${parts.realm}`))}`);
  // RFC 7616 §3.4.4: a username that a quoted-string cannot carry goes as username* (RFC 8187).
  else if (/^[\x20-\x7e]*$/.test(input.username)) fields.push(`username=${quote(input.username)}`);
  else fields.push(`username*=UTF-8''${encodeURIComponent(input.username)}`);
  fields.push(`realm=${quote(parts.realm)}`, `uri=${quote(input.uri)}`, `algorithm=${parts.algorithm}`, `nonce=${quote(parts.nonce)}`);
  if (parts.qop) fields.push(`nc=${nc}`, `cnonce=${quote(input.cnonce)}`, `qop=${parts.qop}`);
  fields.push(`response=${quote(digestResponse(parts, input))}`);
  if (parts.opaque !== undefined) fields.push(`opaque=${quote(parts.opaque)}`);
  if (parts.userhash) fields.push('userhash=true');
  return `Digest ${fields.join(', ')}`;
}

function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export interface DigestDeps {
  /** Client nonce; random by default, fixed in tests. */
  cnonce?: () => string;
}

export function digestScheme(s: AuthSettings, secrets: Record<string, string>, deps: DigestDeps = {}): SchemeSession {
  const username = lookupSecret(secrets, 'authUsername', s, 'username');
  const password = s.authPassword === '' ? '' : lookupSecret(secrets, 'authPassword', s, 'password');
  const cnonce = deps.cnonce ?? (() => randomBytes(16).toString('hex'));
  return {
    label: 'Digest',
    failureHint: `Check that the API uses Digest (MD5, SHA-256 or SHA-512-256, each also -sess; qop auth or auth-int), and check ${userPasswordHint(s)}.`,
    prepare: async (request) => request,
    onUnauthorized: async (request: PreparedRequest, response) => {
      const parts = pickDigestChallenge(parseChallenges(headerValue(response.headers, 'www-authenticate')));
      if (!parts) return undefined;
      // After a same-origin redirect (e.g. /dir to /dir/) the challenge is for the URL that answered;
      // GET and HEAD go there directly, as the redirect would have taken them.
      const target = request.method === 'GET' || request.method === 'HEAD' ? { ...request, url: response.url } : request;
      const value = digestAuthorization(parts, { username, password, method: target.method, uri: requestTarget(target.url), body: target.body, cnonce: cnonce(), nc: 1 });
      return withCredentialHeader(target, 'Authorization', value);
    },
    unanswerable: (response) => {
      const challenges = parseChallenges(headerValue(response.headers, 'www-authenticate'));
      return pickDigestChallenge(challenges) ? undefined : `without a Digest challenge this node can answer (${describeChallenges(challenges)})`;
    },
    secretValues: () => [],
  };
}
