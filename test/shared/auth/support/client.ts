/**
 * The client side of the auth tests: the core's one path (compileNode → executeRequest) over the
 * core's node:http transport and timerSleep, as the Node-RED package runs it.
 */
import { compileNode, createPlainResolver, executeRequest, type ApiResponse, type CompiledNode, type RequestConfig, type SendApiRequestError } from '../../../../shared';
import { createHttpTransport, type HttpTransport } from '../../../../shared/transports/node-http';
import { timerSleep } from '../../../../shared/transports/timer-sleep';

export interface Client {
  node: CompiledNode;
  send(values?: Record<string, unknown>): Promise<ApiResponse[]>;
  /** The error of a send that must fail. */
  fail(values?: Record<string, unknown>): Promise<SendApiRequestError>;
}

let transport: HttpTransport | undefined;

export function sharedTransport(): HttpTransport {
  transport ??= createHttpTransport();
  return transport;
}

export function closeTransport(): void {
  transport?.destroy();
  transport = undefined;
}

export function client(config: RequestConfig, auth: Record<string, unknown>, secrets: Record<string, string>, extra: { options?: Record<string, unknown>; now?: () => number } = {}): Client {
  const node = compileNode(config, { retries: 0, ...extra.options }, { auth });
  const send = (values: Record<string, unknown> = {}) =>
    executeRequest(node, createPlainResolver({ values, secrets }), secrets, { transport: sharedTransport(), sleep: timerSleep, now: extra.now });
  return {
    node,
    send,
    fail: async (values) => {
      try {
        await send(values);
      } catch (err) {
        return err as SendApiRequestError;
      }
      throw new Error('the request was expected to fail but succeeded');
    },
  };
}

/** Everything a host could show of an error: message, hint, JSON view, request echo, response headers. */
export function everythingShown(err: SendApiRequestError): string {
  return [err.message, err.hint ?? '', JSON.stringify(err.toJSON()), JSON.stringify(err.request ?? {}), JSON.stringify(err.responseHeaders ?? {}), err.responseExcerpt ?? ''].join('\n');
}

/** Fails naming the value (by its index, never the value itself) when any appears in what is shown. */
export function expectNothingOf(shown: string, values: string[]): void {
  const leaked = values.map((v, i) => (v !== '' && shown.includes(v) ? i : -1)).filter((i) => i >= 0);
  expect(leaked).toEqual([]);
}
