/**
 * Runs real workflows through n8n's execution engine (n8n-core's WorkflowExecute, n8n-workflow's
 * expressions) with the COMPILED package in build/n8n, loaded by n8n's own PackageDirectoryLoader.
 * Build first (`npm run build`). Needs Node 24.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'send-api-request-n8n-'));
process.env.N8N_USER_FOLDER = userFolder;
afterAll(() => fs.rmSync(userFolder, { recursive: true, force: true }));
// n8n-core logs every node error; the tests read them from the run data instead.
process.env.N8N_LOG_LEVEL ??= 'silent';

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded after N8N_USER_FOLDER is set: n8n-core reads it when its settings are first built.
const core = require('n8n-core') as typeof import('n8n-core');
const wf = require('n8n-workflow') as typeof import('n8n-workflow');
/* eslint-enable @typescript-eslint/no-require-imports */

import type {
  IAuthenticateGeneric,
  ICredentialDataDecryptedObject,
  ICredentialType,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INode,
  INodeCredentialsDetails,
  INodeExecutionData,
  INodeType,
  INodeTypes,
  IRun,
  IVersionedNodeType,
  IWorkflowExecuteAdditionalData,
  ICredentials,
  INodeProperties,
  IConnections,
  ITaskData,
} from 'n8n-workflow';

export const PACKAGE_DIR = path.join(__dirname, '..', '..', 'build', 'n8n');
export const PACKAGE_NAME = 'n8n-nodes-send-api-request';
export const NODE_TYPE = `${PACKAGE_NAME}.sendApiRequest`;
export const CREDENTIAL_TYPE = 'sendApiRequestSecretKeysApi';

/** A test-only source node: emits the items given in its `items` parameter (JSON), binary included. */
class SourceNode implements INodeType {
  description = {
    displayName: 'Source',
    name: 'source',
    group: ['input'],
    version: 1,
    description: 'Test items',
    defaults: { name: 'Source' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [{ displayName: 'Items', name: 'items', type: 'string', default: '[]' }],
  } as unknown as INodeType['description'];

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = JSON.parse(this.getNodeParameter('items', 0) as string) as Array<{ json: IDataObject; binary?: Record<string, { base64: string; fileName?: string; mimeType?: string }> }>;
    const out: INodeExecutionData[] = [];
    for (const [index, item] of items.entries()) {
      const binary: INodeExecutionData['binary'] = {};
      for (const [name, b] of Object.entries(item.binary ?? {})) {
        binary[name] = await this.helpers.prepareBinaryData(Buffer.from(b.base64, 'base64'), b.fileName, b.mimeType);
      }
      out.push({ json: item.json, ...(item.binary ? { binary } : {}), pairedItem: { item: index } });
    }
    return [out];
  }
}

/** A test-only pass-through node that adds fields, so #steps has a later node to look past. */
class SetNode implements INodeType {
  description = {
    displayName: 'Set',
    name: 'set',
    group: ['transform'],
    version: 1,
    description: 'Adds fields',
    defaults: { name: 'Set' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [{ displayName: 'Fields', name: 'fields', type: 'json', default: '{}' }],
  } as unknown as INodeType['description'];

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return [this.getInputData().map((item, index) => ({
      json: { ...item.json, ...(JSON.parse(this.getNodeParameter('fields', index) as string) as IDataObject) },
      pairedItem: { item: index },
    }))];
  }
}

interface Loaded {
  nodeTypes: INodeTypes;
  credentialTypes: Record<string, ICredentialType>;
}

let loaded: Promise<Loaded> | undefined;

/** Loads the built package the way n8n does (package.json `n8n` section → dist files). */
export function loadPackage(): Promise<Loaded> {
  loaded ??= (async () => {
    if (!fs.existsSync(path.join(PACKAGE_DIR, 'package.json'))) throw new Error('build/n8n is missing: run `npm run build` first.');
    const loader = new core.PackageDirectoryLoader(PACKAGE_DIR);
    await loader.loadAll();
    const types: Record<string, INodeType | IVersionedNodeType> = {
      'test.source': new SourceNode(),
      'test.set': new SetNode(),
    };
    for (const [name, data] of Object.entries(loader.nodeTypes)) types[`${PACKAGE_NAME}.${name}`] = data.type;
    const credentialTypes: Record<string, ICredentialType> = {};
    for (const [name, data] of Object.entries(loader.credentialTypes)) credentialTypes[name] = data.type;
    const nodeTypes: INodeTypes = {
      getByName: (type) => types[type],
      getByNameAndVersion: (type, version) => wf.NodeHelpers.getVersionedNodeType(types[type], version),
      getKnownTypes: () => ({}),
    };
    return { nodeTypes, credentialTypes };
  })();
  return loaded;
}

/** The credentials n8n would decrypt from its database, by credential id. */
export type CredentialStore = Record<string, ICredentialDataDecryptedObject>;

/** Applies a credential type's `authenticate` the way n8n's CredentialsHelper does (function or generic). */
async function authenticate(type: ICredentialType | undefined, credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
  const auth = type?.authenticate;
  if (!auth) return options;
  if (typeof auth === 'function') return auth(credentials, options);
  const generic = auth as IAuthenticateGeneric;
  const out: IHttpRequestOptions = { ...options, headers: { ...(options.headers ?? {}) }, qs: { ...(options.qs ?? {}) } };
  Object.assign(out.headers as IDataObject, generic.properties.headers ?? {});
  Object.assign(out.qs as IDataObject, generic.properties.qs ?? {});
  return out;
}

class TestCredentialsHelper extends wf.ICredentialsHelper {
  readonly decrypted: string[] = [];

  constructor(private readonly store: CredentialStore, private readonly types: Record<string, ICredentialType>) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  isCredentialUsableByNode(): boolean {
    return true;
  }

  async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions | object): Promise<IHttpRequestOptions> {
    return authenticate(this.types[typeName], credentials, requestOptions as IHttpRequestOptions);
  }

  async preAuthentication(): Promise<undefined> {
    return undefined;
  }

  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used by these tests');
  }

  async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, nodeCredentials: INodeCredentialsDetails): Promise<ICredentialDataDecryptedObject> {
    const id = nodeCredentials.id ?? '';
    const data = this.store[id];
    if (!data) throw new Error(`No credential with id ${id}`);
    this.decrypted.push(id);
    return structuredClone(data);
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(type: string): INodeProperties[] {
    return this.types[type]?.properties ?? [];
  }
}

export interface TestNode {
  name: string;
  type: string;
  parameters?: INode['parameters'];
  credentials?: INode['credentials'];
  continueOnFail?: boolean;
}

export interface WorkflowSpec {
  nodes: TestNode[];
  /** A chain of node names: each feeds the next. */
  chain: string[];
  credentials?: CredentialStore;
  /** Fail the test if the run takes longer than this (bounded tests). */
  timeoutMs?: number;
  /** Cancel the execution after this many ms, as the Stop button does. */
  cancelAfterMs?: number;
}

export interface RunResult {
  run: IRun;
  /** Output items of a node's first run, main output 0. */
  output(nodeName: string): INodeExecutionData[];
  /** The error of a node's first run, if it failed. */
  error(nodeName: string): ITaskData['error'];
  /** Everything the execution recorded, as the UI would receive it. */
  serialized: string;
}

let counter = 0;

/** Runs the workflow from its first node, through n8n's WorkflowExecute, and waits for workflowExecuteAfter. */
export async function runWorkflow(spec: WorkflowSpec): Promise<RunResult> {
  const { nodeTypes, credentialTypes } = await loadPackage();
  const nodes: INode[] = spec.nodes.map((n, i) => ({
    id: `node-${i}`,
    name: n.name,
    type: n.type,
    typeVersion: 1,
    position: [i * 200, 0],
    parameters: n.parameters ?? {},
    ...(n.credentials ? { credentials: n.credentials } : {}),
    ...(n.continueOnFail ? { continueOnFail: true, onError: 'continueRegularOutput' as const } : {}),
  }));
  const connections: IConnections = {};
  for (let i = 0; i + 1 < spec.chain.length; i++) {
    connections[spec.chain[i]] = { main: [[{ node: spec.chain[i + 1], type: 'main', index: 0 }]] };
  }
  const workflowId = `wf-${++counter}`;
  const workflow = new wf.Workflow({ id: workflowId, name: 'test', nodes, connections, active: false, nodeTypes, staticData: {}, settings: {} });
  const hooks = new core.ExecutionLifecycleHooks('manual', `exec-${counter}`, { id: workflowId, name: 'test', nodes, connections, active: false, settings: {} } as never);
  const finished = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolve(run)));
  const credentialsHelper = new TestCredentialsHelper(spec.credentials ?? {}, credentialTypes);
  const additionalData = {
    credentialsHelper,
    hooks,
    executeWorkflow: async () => {
      throw new Error('sub-workflows are not used by these tests');
    },
    getRunExecutionData: async () => undefined,
    getRuntimeCredential: async () => undefined,
    currentNodeExecutionIndex: 0,
    restApiUrl: 'http://127.0.0.1:5678/rest',
    instanceBaseUrl: 'http://127.0.0.1:5678',
    formBaseUrl: 'http://127.0.0.1:5678/form',
    formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
    formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
    webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
    webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
    mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
    mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
    variables: {},
    userId: 'user-1',
  } as unknown as IWorkflowExecuteAdditionalData;
  const execute = new core.WorkflowExecute(additionalData, 'manual');
  const startNode = workflow.getNode(spec.chain[0]) ?? undefined;
  const running = execute.run({ workflow, startNode });
  const canceller = spec.cancelAfterMs === undefined ? undefined : setTimeout(() => running.cancel(), spec.cancelAfterMs);
  const timeoutMs = spec.timeoutMs ?? 20000;
  let timer: NodeJS.Timeout | undefined;
  const run = await Promise.race([
    finished,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        running.cancel();
        reject(new Error(`workflow did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    clearTimeout(canceller);
  });
  const runData = run.data.resultData.runData;
  return {
    run,
    output: (name) => runData[name]?.[0]?.data?.main?.[0] ?? [],
    error: (name) => runData[name]?.[0]?.error,
    serialized: JSON.stringify(run, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v)),
  };
}

/** The data a binary property holds, read back through n8n's binary data service. */
export async function binaryBuffer(item: INodeExecutionData, property: string): Promise<Buffer> {
  const data = item.binary?.[property];
  if (!data) throw new Error(`no binary property ${property}`);
  if (data.id) {
    const service = (require('@n8n/di') as typeof import('@n8n/di')).Container.get(core.BinaryDataService); // eslint-disable-line @typescript-eslint/no-require-imports
    return service.getAsBuffer(data);
  }
  return Buffer.from(data.data, 'base64');
}

export function source(items: Array<{ json: IDataObject; binary?: Record<string, { base64: string; fileName?: string; mimeType?: string }> }>, name = 'Source'): TestNode {
  return { name, type: 'test.source', parameters: { items: JSON.stringify(items) } };
}


/** A Send API Request node named "Send" (or as `extra` says). */
export function sendNode(parameters: TestNode['parameters'], extra: Partial<TestNode> = {}): TestNode {
  return { name: 'Send', type: NODE_TYPE, parameters, ...extra };
}
