import type { PathSegment, Resolution, VariableResolver } from './types';
import { formatPath } from './parse';

const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Follows a path through plain data. Only own properties are read, so `#x.constructor` or
 * `#x.__proto__` never reach the prototype chain.
 */
export function walkPath(root: unknown, path: readonly PathSegment[], from = 0): { found: boolean; value: unknown; depth: number } {
  let current: unknown = root;
  for (let i = from; i < path.length; i++) {
    const seg = path[i];
    if (current === null || current === undefined || typeof current !== 'object') {
      return { found: false, value: current, depth: i };
    }
    if (Buffer.isBuffer(current)) return { found: false, value: current, depth: i };
    const key = typeof seg === 'number' && !Array.isArray(current) ? String(seg) : seg;
    if (current instanceof Map) {
      if (!current.has(key)) return { found: false, value: current, depth: i };
      current = current.get(key);
      continue;
    }
    if (!hasOwn(current, key)) return { found: false, value: current, depth: i };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  if (current === undefined) return { found: false, value: undefined, depth: path.length };
  return { found: true, value: current, depth: path.length };
}

/** Lists keys for an error message, briefly. */
export function listKeys(value: unknown, max = 12): string {
  if (value === null || value === undefined) return '(nothing)';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} (indexes 0 to ${value.length - 1})`;
  if (typeof value !== 'object' || Buffer.isBuffer(value)) return `a ${Buffer.isBuffer(value) ? 'binary value' : typeof value}, which has no fields`;
  const keys = value instanceof Map ? [...value.keys()].map(String) : Object.keys(value);
  if (keys.length === 0) return 'no fields';
  const shown = keys.slice(0, max).join(', ');
  return keys.length > max ? `${shown}, … (${keys.length} in all)` : shown;
}

/** Explains where a path stopped resolving inside `root`, for the unknown-variable message. */
export function describeMiss(rootLabel: string, root: unknown, path: readonly PathSegment[]): string {
  const walked = walkPath(root, path);
  if (walked.depth === 0) return `${rootLabel} has: ${listKeys(root)}`;
  const reached = formatPath(path.slice(0, walked.depth));
  return `${reached} has: ${listKeys(walked.value)}`;
}

export interface PlainVars {
  values: Record<string, unknown>;
  secrets?: Record<string, string>;
}

/** Names of secrets for messages; never their values. */
export function secretNames(secrets: Record<string, string> | undefined): string {
  const names = Object.keys(secrets ?? {});
  return names.length ? names.join(', ') : 'none defined';
}

/** Resolves a `#secrets.NAME` path. `#secrets` alone is unknown (SPEC §1). */
export function resolveSecret(secrets: Record<string, string> | undefined, rest: readonly PathSegment[]): Resolution {
  if (rest.length !== 1 || typeof rest[0] !== 'string') return { found: false };
  const name = rest[0];
  if (!secrets || !hasOwn(secrets, name)) return { found: false };
  return { found: true, value: secrets[name], secret: true };
}

/**
 * The core's own resolver over plain `vars` (SPEC §4): `json`, `msg` and `secrets` are roots, every
 * other name reads `vars.values`.
 */
export function createPlainResolver(vars: PlainVars, extraRoots: Record<string, unknown> = {}): VariableResolver {
  return {
    resolve(path) {
      // Walks from an offset rather than copying the rest of the path: this runs for every variable.
      const root = path[0];
      if (root === 'secrets') return resolveSecret(vars.secrets, path.slice(1));
      if (typeof root === 'string' && hasOwn(extraRoots, root)) {
        const w = walkPath(extraRoots[root], path, 1);
        return w.found ? { found: true, value: w.value } : { found: false };
      }
      const w = walkPath(vars.values, path, root === 'json' || root === 'msg' ? 1 : 0);
      return w.found ? { found: true, value: w.value } : { found: false };
    },
    describe(path) {
      const [root, ...rest] = path;
      const roots = ['json', 'msg', 'secrets', ...Object.keys(extraRoots)].join(', ');
      if (root === 'secrets') return `Secret names: ${secretNames(vars.secrets)}.`;
      if (typeof root === 'string' && hasOwn(extraRoots, root)) return `${describeMiss(`#${root}`, extraRoots[root], rest)}.`;
      const target = root === 'json' || root === 'msg' ? rest : path;
      return `${describeMiss('The input', vars.values, target)}. Roots: ${roots}.`;
    },
  };
}
