import { SendApiRequestError } from './errors';

/** Host patterns: `api.example.com`, `*.example.com` (subdomains only), with an optional `:port`. */
export function parseAllowedHosts(list: string): string[] {
  return list.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
}

function hostMatches(pattern: string, host: string, port: string): boolean {
  // A bare IPv6 address (`::1`) has colons but no port; URLs write it in brackets.
  let p = !pattern.startsWith('[') && (pattern.match(/:/g) ?? []).length > 1 ? `[${pattern}]` : pattern;
  let wantPort: string | undefined;
  const m = /^(.*):(\d+)$/.exec(p);
  if (m && !p.endsWith(']')) {
    p = m[1];
    wantPort = m[2];
  }
  if (wantPort !== undefined && wantPort !== port) return false;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}

/** Throws BLOCKED_HOST unless the URL's host is in the allow-list (an empty list allows all). */
export function checkAllowedHost(url: URL, patterns: readonly string[]): void {
  if (patterns.length === 0) return;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (patterns.some((p) => hostMatches(p, host, port))) return;
  throw new SendApiRequestError('BLOCKED_HOST', `The host ${host} is not in this node's allowed hosts.`, {
    field: 'options.allowedHosts',
    hint: 'Add the host to "Allowed hosts", or check the URL and any redirect it makes.',
  });
}

function ipv4Parts(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return nums.every((n) => n >= 0 && n <= 255) ? nums : undefined;
}

/** True for loopback, private, link-local, unspecified, CGNAT and unique-local addresses. */
/**
 * The IPv4 address inside an IPv4-mapped (::ffff:), IPv4-compatible (::) or NAT64 (64:ff9b::) IPv6
 * address, dotted or in hex as URLs write it (`[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`).
 */
function embeddedIpv4(ip: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::|::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(ip);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2], 16);
  const lo = parseInt(m[3], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isPrivateAddress(address: string): boolean {
  let ip = address.toLowerCase().replace(/^\[|\]$/g, '');
  ip = embeddedIpv4(ip) ?? ip;
  const v4 = ipv4Parts(ip);
  if (v4) {
    const [a, b] = v4;
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (!ip.includes(':')) return false;
  return ip === '::' || ip === '::1' || /^fe[89ab]/.test(ip) || /^f[cd]/.test(ip) || /^::ffff:/.test(ip) || /^ff/.test(ip);
}

/** SSRF guard on the URL alone (literal addresses, localhost); the Node-RED transport also checks resolved addresses. */
export function checkSsrfUrl(url: URL): void {
  // `localhost.` (fully qualified, trailing dot) is localhost too.
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host)) {
    throw blockedAddress(host);
  }
}

export function blockedAddress(what: string): SendApiRequestError {
  return new SendApiRequestError('BLOCKED_HOST', `The SSRF guard refused ${what}: it is a private, loopback or link-local address.`, {
    field: 'options.ssrfGuard',
    hint: 'Switch the SSRF guard off for this node if it must reach internal services.',
  });
}
