/**
 * The `send-api-request-secrets` config node: named secret keys shared by request nodes, stored only
 * as Node-RED credentials. An admin endpoint lists the names (never the values) of a deployed one.
 */
import { SendApiRequestError } from '../shared';
import { mergeSecrets, secretCredentialTypes, type MergeResult } from './secrets';
import type { NodeAPI, RedNode } from './red-types';

export const SECRETS_TYPE = 'send-api-request-secrets';

export interface SecretKeysNode extends RedNode {
  secretKeys(): MergeResult;
}

interface SecretKeysProperties {
  name?: string;
  keys?: unknown;
}

function isSecretKeysNode(value: unknown): value is SecretKeysNode {
  return typeof value === 'object' && value !== null && typeof (value as SecretKeysNode).secretKeys === 'function';
}

function label(node: RedNode): string {
  return node.name ? `"${node.name}" (${node.id})` : node.id;
}

/** The secrets for a request node; throws INVALID_CONFIG (field `secrets`) naming the config node. */
export function secretsFrom(RED: NodeAPI, configId: string | undefined): Record<string, string> {
  if (!configId) return {};
  const config = RED.nodes.getNode(configId);
  if (!isSecretKeysNode(config)) {
    throw new SendApiRequestError('INVALID_CONFIG', `The secret-keys node ${configId} chosen in this node is not deployed.`, {
      field: 'secrets',
      hint: 'Pick an existing secret-keys node in the Secrets field, or clear the field, then deploy.',
    });
  }
  const merged = config.secretKeys();
  if (!merged.ok) {
    throw new SendApiRequestError('INVALID_CONFIG', `The secret-keys node ${label(config)} cannot be used: ${merged.problem}.`, {
      field: 'secrets',
      hint: 'Open the secret-keys node, correct its values and deploy again.',
    });
  }
  return merged.secrets;
}

export function registerSecretsNode(RED: NodeAPI): void {
  function SecretKeys(this: SecretKeysNode, props: SecretKeysProperties) {
    RED.nodes.createNode(this, props);
    this.name = props.name;
    const merged = mergeSecrets(props.keys, this.credentials);
    this.secretKeys = () => merged;
    if (!merged.ok) {
      this.status({ fill: 'red', shape: 'ring', text: 'invalid secrets' });
      this.error(`Secret keys ${label(this)}: ${merged.problem}.`);
    }
  }
  RED.nodes.registerType(SECRETS_TYPE, SecretKeys, { credentials: secretCredentialTypes() });

  // Names only, so the editor can list rows of a node deployed with just the JSON credential.
  if (RED.httpAdmin && RED.auth) {
    RED.httpAdmin.get(`/${SECRETS_TYPE}/:id/names`, RED.auth.needsPermission(`${SECRETS_TYPE}.read`), (req, res) => {
      const node = RED.nodes.getNode(req.params.id);
      if (!isSecretKeysNode(node)) {
        res.status(404).json({ error: 'No deployed secret-keys node has this id.' });
        return;
      }
      const merged = node.secretKeys();
      if (!merged.ok) res.json({ names: [], error: merged.problem });
      else res.json({ names: Object.keys(merged.secrets) });
    });
  }
}
