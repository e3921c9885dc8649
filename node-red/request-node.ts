/**
 * The `send-api-request` node: a thin adapter over the core's compileNode / executeRequest /
 * outputsFor. The configuration is compiled once at deploy; each message is rendered with the
 * Node-RED resolver and sent through this node's transport, limiter and pacer.
 */
import { setMaxListeners } from 'node:events';
import {
  SendApiRequestError,
  compileNode,
  createLimiter,
  createRedactor,
  createTokenCache,
  executeRequest,
  outputsFor,
  type ApiResponse,
  type CompiledNode,
  type Redactor,
} from '../shared';
import { timerSleep } from '../shared/transports/timer-sleep';
import { requestConfigOf, type RequestNodeProperties } from './config';
import { applyErrorResponse, applyResponse, flowError } from './messages';
import { createPacer } from './pacer';
import type { NodeAPI, NodeMessage, RedNode } from './red-types';
import { createNodeRedResolver } from './resolver';
import { secretsFrom } from './secrets-node';
import { configErrorStatus, doneStatus, errorStatus, progressStatus, requestingStatus } from './status';
import { createNodeTransport, type NodeTransport } from './transport';

export const REQUEST_TYPE = 'send-api-request';

/** SPEC §5: the queue behind the concurrency limit holds at most this many messages. */
export const MAX_QUEUED = 1000;

interface Ready {
  compiled: CompiledNode;
  io: NodeTransport;
}

/**
 * Compiles the node once; a configuration error is kept and given to every message. The flat
 * auth* / oauth2* properties are the authentication settings (secret names only, never values).
 */
function prepare(RED: NodeAPI, props: RequestNodeProperties): Ready | { error: unknown } {
  try {
    const config = requestConfigOf(props);
    // One OAuth2 token cache for the node's lifetime, shared by both compiles below.
    const auth = { auth: props, tokenCache: createTokenCache() };
    let compiled = compileNode(config, props, auth);
    const io = createNodeTransport(RED, props.tls || undefined, compiled.options.ssrfGuard);
    // A tls-config node with "verify server certificate" off means this node's requests skip verification.
    if (io.skipVerify) compiled = compileNode(config, { ...props, ignoreTlsErrors: true }, auth);
    return { compiled, io };
  } catch (error) {
    return { error };
  }
}

function abortedError(): SendApiRequestError {
  return new SendApiRequestError('ABORTED', 'The flow was stopped or redeployed before this message was sent.', {
    hint: 'Send the message again once the flow is running.',
  });
}

export function registerRequestNode(RED: NodeAPI): void {
  function SendApiRequest(this: RedNode, props: RequestNodeProperties) {
    RED.nodes.createNode(this, props);
    const node = this;
    const ready = prepare(RED, props);

    if ('error' in ready) {
      const shown = flowError(ready.error, createRedactor(undefined));
      node.status(configErrorStatus(shown.code));
      node.error(shown.message);
      node.on('input', (_msg, _send, done) => done(shown));
      return;
    }

    const { compiled, io } = ready;
    const limiter = createLimiter(compiled.options.concurrency, MAX_QUEUED);
    const controller = new AbortController();
    // Every request in flight and every retry wait listens to this signal: with a concurrency above
    // 10, Node would print a false "possible memory leak" warning (each listener is removed when its
    // request ends; the load test keeps the heap flat over 20,000 messages).
    setMaxListeners(0, controller.signal);
    const pace = createPacer(compiled.options.batchSize, compiled.options.batchInterval, timerSleep);
    const inFlight = new Set<Promise<unknown>>();

    const deliver = (msg: NodeMessage, pages: ApiResponse[], send: (msgs: Array<NodeMessage | NodeMessage[] | null>) => void, redactor: Redactor) => {
      const outputs = outputsFor(compiled, pages);
      // Clones first: later pages must not see the first page's response on the shared message.
      const messages = outputs.map((_, i) => (i === 0 ? msg : RED.util.cloneMessage(msg)));
      outputs.forEach((response, i) => applyResponse(messages[i], response, redactor));
      if (messages.length > 0) send([messages]);
      const last = outputs[outputs.length - 1];
      if (last) node.status(doneStatus(last.statusCode, new Date()));
    };

    node.on('input', (msg, send, done) => {
      let secrets: Record<string, string> = {};
      try {
        secrets = secretsFrom(RED, props.secrets || undefined);
      } catch (err) {
        const e = flowError(err, createRedactor(undefined));
        node.status(errorStatus(e.code, undefined, new Date()));
        done(e);
        return;
      }
      const redactor = createRedactor(secrets);
      const resolver = createNodeRedResolver({ RED, node, msg, secrets });
      const task = limiter.run(async () => {
        await pace(controller.signal).catch(() => {
          throw abortedError();
        });
        node.status(requestingStatus(limiter.active, limiter.queued));
        return executeRequest(compiled, resolver, secrets, {
          transport: io.transport,
          sleep: timerSleep,
          signal: controller.signal,
          onProgress: (p) => {
            const s = progressStatus(p);
            if (s) node.status(s);
          },
        });
      });
      const settled = task.then(
        (pages) => {
          deliver(msg, pages, send, redactor);
          done();
        },
        (err: unknown) => {
          const e = flowError(err, redactor);
          applyErrorResponse(msg, err, redactor);
          node.status(errorStatus(e.code, e.statusCode, new Date()));
          done(e);
        },
      );
      inFlight.add(settled);
      void settled.finally(() => inFlight.delete(settled));
    });

    node.on('close', (_removed, done) => {
      controller.abort();
      limiter.clear(abortedError());
      void Promise.allSettled([...inFlight]).then(() => {
        io.transport.destroy();
        // OAuth2 tokens live in memory only while the node runs; a redeploy fetches new ones.
        compiled.auth?.tokens.clear();
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType(REQUEST_TYPE, SendApiRequest);
}
