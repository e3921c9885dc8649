/**
 * The node compiled once per execution instead of once per item: n8n hands every item the same raw
 * parameters, so the compiled node of one item serves the next whenever everything it was compiled
 * from (the request as written, which fields are in expression mode, the evaluated options and the
 * auth settings) is the same. An item whose evaluated options differ is compiled for itself.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { TokenCache } from '../../shared/auth/token-cache';
import { normalizeOptions } from '../../shared/options';
import type { RequestConfig } from '../../shared/request/types';
import { compileNode, type CompiledNode } from '../../shared/run';
import { readAuth, readOptions, readRequestConfig } from './config';

export interface ItemNode {
  node: CompiledNode;
  /** True when the request reads binary data (the item's binary properties are loaded only then). */
  usesBinary: boolean;
}

/** Binary data is read only when the form can use it. */
function usesBinary(config: RequestConfig): boolean {
  return config.body?.mode === 'binary' || JSON.stringify(config).includes('binary');
}

/** JSON of what a compiled node depends on, or undefined for a value JSON cannot write (then no reuse). */
function keyOf(parts: unknown[]): string | undefined {
  try {
    return JSON.stringify(parts);
  } catch {
    return undefined;
  }
}

/** Compiles the node for item i, reusing the last compiled node when its inputs are the same. */
export function createItemCompiler(ctx: IExecuteFunctions, tokenCache: TokenCache): (i: number) => ItemNode {
  let last: { key: string; item: ItemNode } | undefined;
  let lastOptions: { key: string; binaryProperty: string } | undefined;
  return (i) => {
    // Fields saved in expression mode: only their {{ }} are n8n expressions.
    const expressionFields = new Set<string>();
    const rawOptions = readOptions(ctx, i, expressionFields);
    const optionsKey = keyOf([rawOptions]);
    const binaryProperty = optionsKey !== undefined && lastOptions?.key === optionsKey ? lastOptions.binaryProperty : normalizeOptions(rawOptions).binaryProperty;
    if (optionsKey !== undefined) lastOptions = { key: optionsKey, binaryProperty };
    const config = readRequestConfig(ctx, i, binaryProperty, expressionFields);
    const auth = readAuth(ctx, i);
    const key = keyOf([rawOptions, auth, config, [...expressionFields].sort()]);
    if (key !== undefined && last?.key === key) return last.item;
    const node = compileNode(config, rawOptions, { expressions: (field) => expressionFields.has(field), auth, tokenCache });
    const item = { node, usesBinary: usesBinary(config) };
    if (key !== undefined) last = { key, item };
    return item;
  };
}
