import type { PreparedRequest } from '../request/types';
import type { ApiResponse } from '../send/send';
import type { AuthType } from './config';

/** What the send life cycle lends a scheme: the node's own transport (for token requests) and clock. */
export interface AuthContext {
  /**
   * Sends a request of the scheme's own (an OAuth2 token request) through the node's transport,
   * timeout, host checks and retries, without authentication; non-2xx statuses are errors and the
   * body comes back as text.
   */
  send(request: PreparedRequest): Promise<ApiResponse>;
  /** Milliseconds since the epoch (injected, so token expiry can be tested without waiting). */
  now(): number;
}

/**
 * One input's authentication, hooked into the send life cycle (like ky's hooks): `prepare` adds the
 * credentials before a request is sent; `onUnauthorized` may answer a 401 once with a new request.
 */
export interface AuthSession {
  readonly type: AuthType;
  /** The scheme's name in messages, e.g. "Digest". */
  readonly label: string;
  /**
   * True for requests this session authenticates: those to the origin of the first request it saw,
   * so pagination that moves to another origin (or from https to http) never carries credentials.
   */
  covers(url: string): boolean;
  /** The request with the credentials added (header or query parameter); added header names are in `sensitiveHeaders`. */
  prepare(request: PreparedRequest, context: AuthContext): Promise<PreparedRequest>;
  /** The request to send again after a 401 (Digest's answer to the challenge, OAuth2's new token), or undefined. */
  onUnauthorized(request: PreparedRequest, response: ApiResponse, context: AuthContext): Promise<PreparedRequest | undefined>;
  /** Why a 401 could not be answered (e.g. no Digest challenge), for the AUTH_FAILED message. */
  unanswerable?(response: ApiResponse): string | undefined;
  /** Values derived from the secrets (Basic credentials, OAuth2 tokens) that must be masked like secrets. */
  secretValues(): string[];
  /** What to check when the API still refuses, for the AUTH_FAILED hint. */
  readonly failureHint: string;
}
