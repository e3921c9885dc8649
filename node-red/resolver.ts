/**
 * Maps Node-RED's data onto `#` paths (SPEC §1): bare names and `#msg` read the message, `#flow` and
 * `#global` the default context store, `#env` Node-RED's environment rules (node, group, flow, process),
 * `#secrets` the chosen secret-keys config node.
 */
import { describeMiss, listKeys, resolveSecret, secretNames, walkPath, type PathSegment, type Resolution, type VariableResolver } from '../shared';
import type { ContextStore, NodeAPI, NodeMessage, RedNode } from './red-types';

export const NODE_RED_ROOTS = ['msg', 'flow', 'global', 'env', 'secrets'] as const;

/**
 * A context key for one top-level name. Node-RED reads `a.b` and `a[0]` in a key as a path, so a
 * name holding `.`, `[` or `]` cannot be a top-level key: it is not found (the rest of the path is
 * walked by the core, one segment at a time).
 */
function contextKey(name: string): string | undefined {
  return name === '' || /[.[\]]/.test(name) ? undefined : name;
}

function readContext(store: ContextStore, name: PathSegment | undefined): { found: boolean; value: unknown } {
  if (typeof name !== 'string') return { found: false, value: undefined };
  const key = contextKey(name);
  if (key === undefined) return { found: false, value: undefined };
  try {
    const value = store.get(key);
    return { found: value !== undefined, value };
  } catch {
    // An asynchronous-only default store cannot be read here; reported as not found with its reason in describe.
    return { found: false, value: undefined };
  }
}

function contextKeys(store: ContextStore): string {
  try {
    const keys = store.keys();
    return keys.length ? listKeys(Object.fromEntries(keys.map((k) => [k, true]))) : 'no keys';
  } catch {
    return 'keys that cannot be read synchronously (the default context store must allow synchronous access)';
  }
}

export interface NodeRedVars {
  RED: NodeAPI;
  node: RedNode;
  msg: NodeMessage;
  secrets: Record<string, string>;
}

export function createNodeRedResolver(v: NodeRedVars): VariableResolver {
  const found = (value: unknown): Resolution => ({ found: true, value });
  const inside = (value: unknown, rest: readonly PathSegment[]): Resolution => {
    const w = walkPath(value, rest);
    return w.found ? found(w.value) : { found: false };
  };
  const env = (name: PathSegment | undefined): unknown => (typeof name === 'string' ? v.RED.util.getSetting(v.node, name) : undefined);

  return {
    resolve(path) {
      const [root, ...rest] = path;
      switch (root) {
        case 'secrets':
          return resolveSecret(v.secrets, rest);
        case 'msg':
          return inside(v.msg, rest);
        case 'flow':
        case 'global': {
          const c = readContext(v.node.context()[root], rest[0]);
          return c.found ? inside(c.value, rest.slice(1)) : { found: false };
        }
        case 'env': {
          const value = env(rest[0]);
          return value === undefined ? { found: false } : inside(value, rest.slice(1));
        }
        default:
          return inside(v.msg, path);
      }
    },
    describe(path) {
      const [root, ...rest] = path;
      const roots = `Roots: ${NODE_RED_ROOTS.join(', ')}.`;
      switch (root) {
        case 'secrets':
          return `Secret names: ${secretNames(v.secrets)}. Choose a secret-keys node in the Secrets field and add the name there.`;
        case 'flow':
        case 'global': {
          const store = v.node.context()[root];
          const c = readContext(store, rest[0]);
          if (!c.found) return `The ${root} context has ${contextKeys(store)}.`;
          return `${describeMiss(`#${root}.${String(rest[0])}`, c.value, rest.slice(1))}.`;
        }
        case 'env': {
          if (typeof rest[0] !== 'string') return 'Write #env.NAME with the name of an environment variable.';
          const value = env(rest[0]);
          if (value === undefined) return `The environment variable ${rest[0]} is not set for this node, its group, its flow or the Node-RED process.`;
          return `${describeMiss(`#env.${rest[0]}`, value, rest.slice(1))}.`;
        }
        case 'msg':
          return `${describeMiss('The message', v.msg, rest)}. ${roots}`;
        default:
          return `${describeMiss('The message', v.msg, path)}. ${roots}`;
      }
    },
  };
}
