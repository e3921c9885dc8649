/**
 * Node-RED entry (package.json `node-red.nodes`): registers the request node `send-api-request`
 * and its config node `send-api-request-secrets`. The editor for both is send-api-request.html beside it.
 */
import type { NodeAPI } from './red-types';
import { registerRequestNode } from './request-node';
import { registerSecretsNode } from './secrets-node';

function register(RED: NodeAPI): void {
  registerSecretsNode(RED);
  registerRequestNode(RED);
}

export = register;
