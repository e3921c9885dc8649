/**
 * One execution of the node: every input item through the core's compileNode / executeRequest /
 * outputsFor, with n8n's request helper as the transport, n8n-workflow's sleep, the node's
 * concurrency limit and batching. Errors become error items (continueOnFail) or one node error.
 */
import { sleep, type ICredentialDataDecryptedObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { SendApiRequestError } from '../../shared/errors';
import { createTokenCache } from '../../shared/auth/token-cache';
import { batches, createLimiter } from '../../shared/limiter';
import { DEFAULT_OPTIONS, normalizeOptions, type NodeOptions } from '../../shared/options';
import { createRedactor } from '../../shared/redact';
import type { FileValue } from '../../shared/request/types';
import { executeRequest, outputsFor, type HostIo } from '../../shared/run';
import { createItemCompiler } from './compile-cache';
import { readOptions } from './config';
import { binaryInput } from './binary-input';
import { asSendError, errorItemJson, nodeError } from './errors';
import { itemSource, loadBinary } from './item-source';
import { outputItems } from './output';
import { createN8nResolver } from './resolver';
import { CREDENTIAL_TYPE, secretsFromCredential } from './secrets';
import { createN8nTransport } from './transport';

async function readSecrets(ctx: IExecuteFunctions): Promise<Record<string, string> | undefined> {
  if (!ctx.getNode().credentials?.[CREDENTIAL_TYPE]) return undefined;
  return secretsFromCredential(await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE));
}

/** Throughput settings apply to the whole run: the first item's options, defaults if they are invalid. */
function runSettings(ctx: IExecuteFunctions): NodeOptions {
  try {
    return normalizeOptions(readOptions(ctx, 0, new Set()));
  } catch {
    return { ...DEFAULT_OPTIONS };
  }
}

export async function runNode(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const items = ctx.getInputData();
  if (items.length === 0) return [];
  const credential = await readSecrets(ctx);
  const secrets = credential ?? {};
  const redactor = createRedactor(secrets);
  const io: HostIo = {
    transport: createN8nTransport(ctx, credential ? CREDENTIAL_TYPE : undefined),
    sleep: (ms, signal) => sleep(ms, signal),
    signal: ctx.getExecutionCancelSignal?.(),
    // Binary responses are written to n8n's binary data store as they arrive.
    streamBinary: true,
  };
  const settings = runSettings(ctx);
  const continueOnFail = ctx.continueOnFail();
  const limiter = createLimiter(settings.concurrency);
  // OAuth2 tokens live for this execution: fetched once for all its items, refreshed when they expire.
  const tokenCache = createTokenCache();
  const compileItem = createItemCompiler(ctx, tokenCache);
  const results: INodeExecutionData[][] = items.map(() => []);
  // Failures when continueOnFail is off: items not yet started are skipped, the lowest index is thrown.
  const failures: Array<{ index: number; error: SendApiRequestError }> = [];

  const runItem = async (i: number): Promise<void> => {
    if (failures.length > 0) return;
    try {
      const { node, usesBinary } = compileItem(i);
      const binary: Record<string, FileValue> = usesBinary ? await loadBinary(ctx, items[i], i) : {};
      const resolver = createN8nResolver(itemSource(ctx, items[i], i, secrets, binary));
      const pages = await executeRequest(node, resolver, secrets, io);
      results[i] = await outputItems(outputsFor(node, pages), node.options, i, async (data, fileName, mimeType) => await ctx.helpers.prepareBinaryData(await binaryInput(data), fileName, mimeType));
    } catch (err) {
      const error = asSendError(err, redactor);
      if (continueOnFail) results[i] = [{ json: errorItemJson(error), pairedItem: { item: i } }];
      else failures.push({ index: i, error });
    }
  };

  const groups = batches(items.map((_, i) => i), settings.batchSize);
  for (let g = 0; g < groups.length && failures.length === 0; g++) {
    if (g > 0 && settings.batchInterval > 0) {
      try {
        await io.sleep(settings.batchInterval, io.signal);
      } catch {
        break; // the execution was stopped during the pause: n8n discards this run's output
      }
    }
    await Promise.all(groups[g].map((i) => limiter.run(() => runItem(i))));
  }
  if (failures.length > 0) {
    const first = failures.reduce((a, b) => (b.index < a.index ? b : a));
    throw nodeError(ctx.getNode(), first.error, first.index);
  }
  return results.flat();
}
