/**
 * What one input item sees through `#`, read from n8n's execute functions: its JSON and binary data,
 * earlier nodes' paired items and the environment through n8n's own data proxy (so n8n's rules on
 * paired items and on env access apply), `{{ }}` islands through n8n's expression evaluation.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { FileValue } from '../../shared/request/types';
import type { ItemSource, Lookup } from './resolver';

function reasonOf(err: unknown): string {
  const e = err as { message?: unknown; description?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.description === 'string' && e.description !== '' ? `${message} (${e.description})` : message;
}

/** Loads the item's binary properties as files (for multipart and binary bodies). */
export async function loadBinary(ctx: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, only?: string): Promise<Record<string, FileValue>> {
  const out: Record<string, FileValue> = {};
  for (const [name, meta] of Object.entries(item.binary ?? {})) {
    if (only !== undefined && name !== only) continue;
    const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
    out[name] = { data, fileName: meta.fileName, mimeType: meta.mimeType };
  }
  return out;
}

export function itemSource(ctx: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, secrets: Record<string, string>, binary: Record<string, FileValue>): ItemSource {
  let proxy: ReturnType<IExecuteFunctions['getWorkflowDataProxy']> | undefined;
  const dataProxy = () => (proxy ??= ctx.getWorkflowDataProxy(itemIndex));
  return {
    json: item.json,
    secrets,
    binary,
    step(name): Lookup {
      try {
        const paired = dataProxy().$(name).item as INodeExecutionData | undefined;
        if (!paired) return { found: false, reason: `The node "${name}" has no item paired with this one.` };
        return { found: true, value: paired.json };
      } catch (err) {
        return { found: false, reason: `#steps["${name}"] could not be read: ${reasonOf(err)}.` };
      }
    },
    stepNames() {
      return ctx.getParentNodes(ctx.getNode().name).map((n) => n.name);
    },
    env(name): Lookup {
      try {
        const env = dataProxy().$env as Record<string, unknown>;
        return { found: true, value: env[name] };
      } catch (err) {
        return { found: false, reason: `This n8n instance does not let nodes read environment variables: ${reasonOf(err)}.` };
      }
    },
    evaluate(source) {
      return ctx.evaluateExpression(source, itemIndex);
    },
  };
}
