/**
 * What both hosts do with one input: render the compiled request with the host's resolver, send it
 * (with its pages), and hand back the responses to output. Hosts supply data, transport and sleep.
 */
import { compileAuth, createAuthSession, type CompiledAuth } from './auth/session';
import type { TokenCache } from './auth/token-cache';
import { checkAllowedHost, checkSsrfUrl, parseAllowedHosts } from './hosts';
import { normalizeOptions, type NodeOptions } from './options';
import { compileRequest, renderRequest, type CompiledRequest, type ExpressionFields } from './request/build';
import type { RequestConfig } from './request/types';
import { compilePagination, mergePages, sendPages, type CompiledPagination } from './send/paginate';
import type { ApiResponse, Progress } from './send/send';
import type { Sleep, Transport } from './send/transport';
import type { VariableResolver } from './template/types';

/** A node's configuration, checked and parsed once (at deploy in Node-RED, per execution in n8n). */
export interface CompiledNode {
  request: CompiledRequest;
  pagination: CompiledPagination;
  options: NodeOptions;
  allowedHosts: string[];
  /** Authentication (shared/auth): the scheme chosen, secret names, the node's OAuth2 token cache. */
  auth?: CompiledAuth;
}

/**
 * `opts.auth`: the saved authentication settings (Node-RED: the node's flat auth* / oauth2* properties;
 * n8n: the `authentication` collection). `opts.tokenCache`: an OAuth2 token cache that outlives this
 * compiled node (n8n compiles per execution).
 */
export function compileNode(config: RequestConfig, rawOptions: Record<string, unknown> | undefined, opts: { expressions?: boolean | ExpressionFields; auth?: Record<string, unknown>; tokenCache?: TokenCache } = {}): CompiledNode {
  const options = normalizeOptions(rawOptions);
  return {
    request: compileRequest(config, opts),
    pagination: compilePagination(options, opts.expressions),
    options,
    allowedHosts: parseAllowedHosts(options.allowedHosts),
    auth: compileAuth(opts.auth, opts.tokenCache),
  };
}

export interface HostIo {
  transport: Transport;
  sleep: Sleep;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Skip the URL-level SSRF check (a host whose transport checks resolved addresses may still keep it). */
  ssrfUrlCheck?: boolean;
  /** Clock for OAuth2 token expiry; Date.now by default. */
  now?: () => number;
  /** The host stores binary responses from a stream (SendOptions.streamBinary); not with pagination. */
  streamBinary?: boolean;
}

/** Renders and sends one request (and its pages). Every error is a SendApiRequestError with secrets masked. */
export async function executeRequest(node: CompiledNode, resolver: VariableResolver, secrets: Record<string, string>, io: HostIo): Promise<ApiResponse[]> {
  const secretValues = Object.values(secrets);
  const o = node.options;
  const first = renderRequest(node.request, resolver, { onMissing: o.onMissing, secrets: secretValues });
  const guard = o.ssrfGuard && io.ssrfUrlCheck !== false;
  return sendPages({
    first,
    pagination: node.pagination,
    resolver,
    send: {
      transport: io.transport,
      sleep: io.sleep,
      signal: io.signal,
      onProgress: io.onProgress,
      secrets: secretValues,
      now: io.now,
      auth: createAuthSession(node.auth, secrets),
      // Pages are read (their bodies give the next URL, and merged pages join bodies).
      streamBinary: io.streamBinary === true && o.pagination === 'off',
      checkUrl: (url) => {
        checkAllowedHost(url, node.allowedHosts);
        if (guard) checkSsrfUrl(url);
      },
      timeout: o.timeout,
      retries: o.retries,
      retryNonIdempotent: o.retryNonIdempotent,
      retryMaxDelay: o.retryMaxDelay,
      followRedirects: o.followRedirects,
      maxRedirects: o.maxRedirects,
      responseFormat: o.responseFormat,
      neverError: o.neverError,
      maxResponseBytes: o.maxResponseBytes,
      ignoreTlsErrors: o.ignoreTlsErrors,
    },
  });
}

/** The outputs for one input: one per page, or one merged (SPEC §3 paginationOutput). */
export function outputsFor(node: CompiledNode, pages: ApiResponse[]): ApiResponse[] {
  if (node.options.pagination === 'off' || node.options.paginationOutput === 'pages') return pages;
  return [mergePages(pages, node.pagination.itemsPath)];
}
