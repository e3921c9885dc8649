/**
 * `#` roots for n8n (SPEC §1): bare names and `#json` read the current item's JSON, `#steps["Node"]`
 * an earlier node's paired item, `#env` the environment where the instance allows it, `#secrets`
 * the Secret Keys credential, `#binary.<property>` the item's binary data (a file in multipart, the
 * body in binary mode). `#response` is added by the core during pagination.
 */
import { SendApiRequestError } from '../../shared/errors';
import type { FileValue } from '../../shared/request/types';
import { describeMiss, listKeys, resolveSecret, secretNames, walkPath } from '../../shared/template/resolve';
import type { ExpressionPart, PathSegment, Resolution, VariableResolver } from '../../shared/template/types';

/** What one lookup in the host found; `reason` explains a miss (no secret values). */
export type Lookup = { found: true; value: unknown } | { found: false; reason: string };

/** The host data one input item sees; the node builds it from n8n's execute functions. */
export interface ItemSource {
  json: Record<string, unknown>;
  secrets: Record<string, string>;
  binary: Record<string, FileValue>;
  /** `$('name').item.json` for the current item. */
  step(name: string): Lookup;
  /** Names of the nodes before this one, for messages. */
  stepNames(): string[];
  /** An environment variable, if the instance lets expressions read them. */
  env(name: string): Lookup;
  /** n8n evaluates a `{{ }}` island for the current item. */
  evaluate(source: string): unknown;
}

export const ROOTS = ['json', 'steps', 'env', 'secrets', 'binary'] as const;

const found = (value: unknown): Resolution => ({ found: true, value });
const walk = (root: unknown, path: readonly PathSegment[]): Resolution => {
  const w = walkPath(root, path);
  return w.found ? found(w.value) : { found: false };
};

function evaluateSafely(src: ItemSource, source: string): { value: unknown } | { failure: string } {
  try {
    return { value: src.evaluate(source) };
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err) };
  }
}

export function createN8nResolver(src: ItemSource): VariableResolver {
  return {
    resolve(path) {
      const [root, first, ...rest] = path;
      switch (root) {
        case 'json':
          return walk(src.json, path.slice(1));
        case 'secrets':
          return resolveSecret(src.secrets, path.slice(1));
        case 'steps': {
          if (typeof first !== 'string') return { found: false };
          const step = src.step(first);
          return step.found ? walk(step.value, rest) : { found: false };
        }
        case 'env': {
          if (typeof first !== 'string' || rest.length > 0) return { found: false };
          const env = src.env(first);
          return env.found && env.value !== undefined ? found(env.value) : { found: false };
        }
        case 'binary':
          return walk(src.binary, path.slice(1));
        default:
          return walk(src.json, path);
      }
    },
    describe(path) {
      const [root, first] = path;
      const roots = `Roots: ${ROOTS.map((r) => `#${r}`).join(', ')}.`;
      switch (root) {
        case 'json':
          return `${describeMiss('The input item', src.json, path.slice(1))}.`;
        case 'secrets':
          return `Secret names in the Secret Keys credential: ${secretNames(src.secrets)}.`;
        case 'steps': {
          const names = src.stepNames();
          const earlier = `Earlier nodes: ${names.length ? names.join(', ') : 'none'}.`;
          if (typeof first !== 'string') return `Write #steps["Node name"].field. ${earlier}`;
          const step = src.step(first);
          if (!step.found) return `${step.reason} ${earlier}`;
          return `${describeMiss(`#steps["${first}"]`, step.value, path.slice(2))}.`;
        }
        case 'env': {
          if (typeof first !== 'string') return 'Write #env.NAME.';
          const env = src.env(first);
          return env.found ? `The environment variable ${first} is not set.` : env.reason;
        }
        case 'binary':
          return `Binary properties of the input item: ${listKeys(src.binary)}.`;
        default:
          return `${describeMiss('The input item', src.json, path)}. ${roots}`;
      }
    },
    evaluate(part: ExpressionPart) {
      const result = evaluateSafely(src, part.source);
      if ('value' in result) return result.value;
      throw new SendApiRequestError('INVALID_CONFIG', `The n8n expression ${part.source} failed: ${result.failure}`, {
        hint: 'Fix the expression, or use a # variable instead.',
      });
    },
  };
}
