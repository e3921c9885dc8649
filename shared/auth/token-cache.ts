/**
 * OAuth2 access tokens held in memory for one node, until shortly before they expire. Requests that
 * need a token while one is being fetched wait for that fetch, so many requests cause one fetch.
 * Tokens are never written anywhere else.
 */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime the server gave (expires_in), ms; undefined: valid until the API refuses it. */
  lifetimeMs?: number;
}

interface Entry {
  token: string;
  /** When to stop using it: shortly before it expires. */
  renewAt?: number;
}

export interface TokenCache {
  /** The cached token for `key`, or a fresh one from `fetch` (shared by concurrent callers). */
  get(key: string, fetch: () => Promise<IssuedToken>, now: () => number): Promise<string>;
  /** Forgets `token` after the API refused it; a newer token already cached is kept. */
  invalidate(key: string, token: string): void;
  /** Forgets every token (node closed or redeployed). */
  clear(): void;
}

/** Renew this long before expiry: a tenth of the lifetime, at most a minute. */
export function renewMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}

/** Keys are per client configuration; a node rarely has more than one, so a handful is plenty. */
const MAX_ENTRIES = 16;

export function createTokenCache(): TokenCache {
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<string>>();

  const store = (key: string, issued: IssuedToken, fetchedAt: number): void => {
    entries.delete(key);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    const renewAt = issued.lifetimeMs === undefined ? undefined : fetchedAt + issued.lifetimeMs - renewMargin(issued.lifetimeMs);
    entries.set(key, { token: issued.accessToken, renewAt });
  };

  return {
    get(key, fetch, now) {
      const entry = entries.get(key);
      if (entry && (entry.renewAt === undefined || now() < entry.renewAt)) return Promise.resolve(entry.token);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const fetchedAt = now();
      const p = fetch().then(
        (issued) => {
          pending.delete(key);
          store(key, issued, fetchedAt);
          return issued.accessToken;
        },
        (err: unknown) => {
          pending.delete(key);
          throw err;
        },
      );
      pending.set(key, p);
      return p;
    },
    invalidate(key, token) {
      if (entries.get(key)?.token === token) entries.delete(key);
    },
    clear() {
      entries.clear();
      pending.clear();
    },
  };
}
