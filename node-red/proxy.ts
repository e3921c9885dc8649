/**
 * Which proxy a request uses, by Node-RED's rules for its own http request node: http_proxy /
 * https_proxy / no_proxy (either case; npm_config_* and all_proxy too), `RED.settings.proxyOptions`
 * (mode strict or legacy, lowerCaseOnly, favourUpperCase, excludeNpm) and NR_PROXY_MODE.
 */
export interface ProxyOptions {
  mode?: 'strict' | 'legacy';
  lowerCaseOnly?: boolean;
  favourUpperCase?: boolean;
  excludeNpm?: boolean;
}

type Env = Record<string, string | undefined>;

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

function envValue(env: Env, key: string, o: ProxyOptions): string {
  if (o.excludeNpm && key.startsWith('npm_config_')) return '';
  const lower = env[key.toLowerCase()];
  const upper = env[key.toUpperCase()];
  if (o.lowerCaseOnly) return lower || '';
  if (o.favourUpperCase) return upper || lower || '';
  return lower || upper || '';
}

/** True unless no_proxy names this host (exact, `.suffix` / `*.suffix`, optional `:port`, or `*`). */
function shouldProxy(hostname: string, port: number, env: Env, o: ProxyOptions): boolean {
  const noProxy = (envValue(env, 'npm_config_no_proxy', o) || envValue(env, 'no_proxy', o)).toLowerCase();
  if (!noProxy) return true;
  if (noProxy === '*') return false;
  return noProxy.split(/[,\s]/).every((entry) => {
    if (!entry) return true;
    const m = /^(.+):(\d+)$/.exec(entry);
    let host = m ? m[1] : entry;
    const entryPort = m ? Number(m[2]) : 0;
    if (entryPort && entryPort !== port) return true;
    if (!/^[.*]/.test(host)) return hostname !== host;
    if (host.startsWith('*')) host = host.slice(1);
    return !hostname.endsWith(host);
  });
}

function legacyProxy(url: string, env: Env): string | undefined {
  const proxy = env.HTTP_PROXY || env.http_proxy;
  const noProxy = (env.NO_PROXY || env.no_proxy || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!proxy || noProxy.some((n) => url.includes(n))) return undefined;
  return proxy;
}

export function proxyForUrl(url: string, options: ProxyOptions = {}, env: Env = process.env): string | undefined {
  const override = env.NR_PROXY_MODE;
  const o: ProxyOptions = { ...options, ...(override === 'strict' || override === 'legacy' ? { mode: override } : {}) };
  if (o.mode === 'legacy') return legacyProxy(url, env);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const proto = parsed.protocol.replace(':', '');
  const hostname = parsed.hostname.toLowerCase();
  const port = Number(parsed.port) || DEFAULT_PORTS[proto] || 0;
  if (!hostname || !shouldProxy(hostname, port, env, o)) return undefined;
  const proxy = envValue(env, `npm_config_${proto}_proxy`, o) || envValue(env, `${proto}_proxy`, o) || envValue(env, 'npm_config_proxy', o) || envValue(env, 'all_proxy', o);
  if (!proxy) return undefined;
  return proxy.includes('://') ? proxy : `${proto}://${proxy}`;
}
