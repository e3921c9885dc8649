import { SendApiRequestError } from '../errors';
import type { NodeOptions } from '../options';
import { parseTemplate } from '../template/parse';
import { renderUrl } from '../template/render';
import { walkPath } from '../template/resolve';
import type { ParsedTemplate, PathSegment, VariableResolver } from '../template/types';
import type { PreparedRequest } from '../request/types';
import { expressionsIn, type ExpressionFields } from '../request/build';
import { leavesOrigin, stripCredentials } from './redirect';
import { headerValue } from './response';
import { MAX_SLEEP_MS } from './retry';
import { sendRequest, type ApiResponse, type SendOptions } from './send';

export type PaginationSettings = Pick<NodeOptions,
  'pagination' | 'nextUrl' | 'pageParam' | 'pageStart' | 'pageStep' | 'stopWhen' | 'stopStatusCodes' | 'itemsPath' | 'maxPages' | 'pageInterval'>;

/** Pagination settings with their templates parsed once. */
export interface CompiledPagination {
  settings: PaginationSettings;
  nextUrl?: ParsedTemplate;
  itemsPath: PathSegment[];
  stopStatuses: Set<number>;
}

/** Parses `data.items[0]` or `["a key"].x` into a path, with the braced `#{…}` grammar. */
export function parseItemsPath(itemsPath: string): PathSegment[] {
  const trimmed = itemsPath.trim();
  if (trimmed === '') return [];
  const t = parseTemplate(`#{${trimmed}}`, { field: 'options.itemsPath' });
  const part = t.parts[0];
  if (!t.single || part.kind !== 'var') {
    throw new SendApiRequestError('INVALID_CONFIG', `Option itemsPath "${itemsPath}" is not a path like data.items.`, { field: 'options.itemsPath' });
  }
  return part.path;
}

export function compilePagination(settings: PaginationSettings, expressions: boolean | ExpressionFields = false): CompiledPagination {
  const stopStatuses = new Set<number>();
  for (const piece of settings.stopStatusCodes.split(',')) {
    const p = piece.trim();
    if (p === '') continue;
    const n = Number(p);
    if (!Number.isInteger(n) || n < 100 || n > 599) {
      throw new SendApiRequestError('INVALID_CONFIG', `Option stopStatusCodes: "${p}" is not an HTTP status code.`, { field: 'options.stopStatusCodes' });
    }
    stopStatuses.add(n);
  }
  if (settings.pagination === 'nextUrl' && settings.nextUrl.trim() === '') {
    throw new SendApiRequestError('INVALID_CONFIG', 'Pagination by next URL needs the "Next URL" option, for example #response.body.next.', { field: 'options.nextUrl' });
  }
  if (settings.pagination === 'pageParam' && settings.pageParam.trim() === '') {
    throw new SendApiRequestError('INVALID_CONFIG', 'Pagination by page parameter needs the "Page parameter" option, for example page.', { field: 'options.pageParam' });
  }
  return {
    settings,
    nextUrl: settings.pagination === 'nextUrl' ? parseTemplate(settings.nextUrl, { field: 'options.nextUrl', expressions: expressionsIn(expressions)('options.nextUrl') }) : undefined,
    itemsPath: parseItemsPath(settings.itemsPath),
    stopStatuses,
  };
}

/** Adds the `#response` root (the previous page) to a host's resolver. */
export function withResponseRoot(resolver: VariableResolver, response: ApiResponse): VariableResolver {
  const root = { statusCode: response.statusCode, headers: response.headers, body: response.body };
  return {
    resolve(path) {
      if (path[0] !== 'response') return resolver.resolve(path);
      const w = walkPath(root, path.slice(1));
      return w.found ? { found: true, value: w.value } : { found: false };
    },
    describe: (path) => resolver.describe(path),
    evaluate: resolver.evaluate?.bind(resolver),
  };
}

/** The array of a page: the body, or what itemsPath points at. */
export function pageItems(body: unknown, itemsPath: PathSegment[]): unknown {
  if (itemsPath.length === 0) return body;
  const w = walkPath(body, itemsPath);
  return w.found ? w.value : undefined;
}

function isEmptyPage(body: unknown, itemsPath: PathSegment[]): boolean {
  const v = pageItems(body, itemsPath);
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (Buffer.isBuffer(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/**
 * The rel="next" target of a Link header (RFC 8288), resolved against the page's URL. A linear scan,
 * not a backtracking regex: the header comes from the server, and `<<<<…` must not stall the loop.
 */
export function linkNext(link: string | undefined, base: string): string | undefined {
  if (!link) return undefined;
  let i = 0;
  while (i < link.length) {
    const open = link.indexOf('<', i);
    if (open < 0) return undefined;
    const close = link.indexOf('>', open + 1);
    if (close < 0) return undefined;
    // The link's parameters run to the next comma outside quotes (a title may hold commas).
    let end = close + 1;
    let quoted = false;
    while (end < link.length && (quoted || link[end] !== ',')) {
      if (link[end] === '"') quoted = !quoted;
      end++;
    }
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(link.slice(close + 1, end));
    if (rel && (rel[1] ?? rel[2]).toLowerCase().split(/\s+/).includes('next')) {
      try {
        return new URL(link.slice(open + 1, close).trim(), base).href;
      } catch {
        return undefined;
      }
    }
    i = end + 1;
  }
  return undefined;
}

function withPageParam(url: string, name: string, value: number): string {
  const u = new URL(url);
  u.searchParams.set(name, String(value));
  return u.href;
}

/**
 * The next page's URL, or undefined when there is none: a variable of the template that is missing,
 * null or empty (`"next": null` on the last page) means "no next page", never a URL such as `/null`
 * or the same page again.
 */
function renderNextUrl(template: ParsedTemplate, resolver: VariableResolver): string | undefined {
  const presentOnly: VariableResolver = {
    resolve(path) {
      const r = resolver.resolve(path);
      return r.found && (r.value === null || r.value === '') ? { found: false } : r;
    },
    describe: (path) => resolver.describe(path),
    evaluate: resolver.evaluate?.bind(resolver),
  };
  try {
    return renderUrl(template, { resolver: presentOnly, onMissing: 'error', field: 'options.nextUrl' }).trim();
  } catch (err) {
    if (err instanceof SendApiRequestError && err.code === 'UNKNOWN_VARIABLE') return undefined;
    throw err;
  }
}

/** The wait between pages; the host's sleep rejects on abort, which is an ABORTED error like any other. */
async function pause(ms: number, send: SendOptions): Promise<void> {
  try {
    await send.sleep(Math.min(ms, MAX_SLEEP_MS), send.signal);
  } catch {
    throw new SendApiRequestError('ABORTED', 'The request was cancelled while waiting for the next page.', {
      hint: 'The request was cancelled, for example because the flow was redeployed or the workflow stopped.',
    });
  }
  if (send.signal?.aborted) throw new SendApiRequestError('ABORTED', 'The request was cancelled while waiting for the next page.');
}

export interface PageRun {
  first: PreparedRequest;
  pagination: CompiledPagination;
  resolver: VariableResolver;
  send: SendOptions;
}

/**
 * Sends the request and, with pagination on, the pages after it. Each page is a response; the stop
 * rule decides the end (SPEC §3, §5), and maxPages bounds it.
 */
export async function sendPages(run: PageRun): Promise<ApiResponse[]> {
  const p = run.pagination;
  const s = p.settings;
  if (s.pagination === 'off') return [await sendRequest(run.first, run.send)];
  const pages: ApiResponse[] = [];
  let request: PreparedRequest = run.first;
  let pageNumber = s.pageStart;
  if (s.pagination === 'pageParam') request = { ...request, url: withPageParam(request.url, s.pageParam, pageNumber) };
  const acceptStatus = s.stopWhen === 'status' ? (code: number) => p.stopStatuses.has(code) : undefined;
  for (let i = 0; i < s.maxPages; i++) {
    if (i > 0 && s.pageInterval > 0) await pause(s.pageInterval, run.send);
    const page = await sendRequest(request, { ...run.send, acceptStatus });
    const stopOnEmpty = s.stopWhen === 'emptyBody' || (s.pagination === 'pageParam' && s.stopWhen === 'noNext');
    if (acceptStatus?.(page.statusCode) || (stopOnEmpty && isEmptyPage(page.body, p.itemsPath))) {
      // The stop page is not a page of results, unless it is the first: every input gets an output.
      if (pages.length === 0) pages.push(page);
      break;
    }
    pages.push(page);
    let next: string | undefined;
    if (s.pagination === 'pageParam') {
      pageNumber += s.pageStep;
      next = withPageParam(request.url, s.pageParam, pageNumber);
    } else if (s.pagination === 'linkHeader') {
      next = linkNext(headerValue(page.headers, 'link'), page.url);
    } else if (p.nextUrl) {
      const rendered = renderNextUrl(p.nextUrl, withResponseRoot(run.resolver, page));
      if (rendered !== undefined && rendered !== '') {
        try {
          next = new URL(rendered, page.url).href;
        } catch {
          throw new SendApiRequestError('INVALID_URL', 'The next-page URL is not a valid URL.', { field: 'options.nextUrl', hint: 'Check the "Next URL" option, for example #response.body.next.' });
        }
      }
    }
    if (!next) break;
    let headers = request.headers;
    let sensitive = request.sensitiveHeaders;
    if (leavesOrigin(new URL(request.url), new URL(next))) {
      headers = stripCredentials(headers, sensitive);
      sensitive = [];
    }
    request = { ...request, url: next, headers, sensitiveHeaders: sensitive };
  }
  return pages;
}

/** SPEC §3 `merged`: one response whose body joins the pages' arrays, or else lists the page bodies. */
export function mergePages(pages: ApiResponse[], itemsPath: PathSegment[]): ApiResponse {
  const last = pages[pages.length - 1];
  const arrays = pages.map((pg) => pageItems(pg.body, itemsPath));
  const body = pages.length > 0 && arrays.every(Array.isArray) ? (arrays as unknown[][]).flat() : pages.map((pg) => pg.body);
  return {
    statusCode: last?.statusCode ?? 200,
    statusMessage: last?.statusMessage,
    headers: last?.headers ?? {},
    body,
    url: last?.url ?? '',
  };
}
