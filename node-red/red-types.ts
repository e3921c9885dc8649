/**
 * The small part of Node-RED's runtime API this package uses. Node-RED ships no types, and the
 * community @types package lags behind; these describe exactly what the adapter calls.
 */
export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type NodeMessage = Record<string, unknown> & { _msgid?: string };

export interface ContextStore {
  get(key: string): unknown;
  keys(): string[];
}

export interface NodeContext {
  flow: ContextStore;
  global: ContextStore;
}

export interface RedNode {
  id: string;
  type: string;
  name?: string;
  credentials?: Record<string, unknown>;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(text: string): void;
  log(text: string): void;
  context(): NodeContext;
  on(event: 'input', handler: (msg: NodeMessage, send: (msgs: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void, done: (err?: Error) => void) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
}

export interface TlsConfigNode {
  addTLSOptions(options: Record<string, unknown>): void;
}

export interface ExpressLikeRequest {
  params: Record<string, string>;
}

export interface ExpressLikeResponse {
  json(body: unknown): void;
  status(code: number): ExpressLikeResponse;
}

type Handler = (req: ExpressLikeRequest, res: ExpressLikeResponse, next?: () => void) => void;

export interface NodeAPI {
  nodes: {
    createNode(node: object, config: object): void;
    getNode(id: string): unknown;
    registerType(type: string, ctor: (this: never, config: never) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
  };
  util: {
    getSetting(node: RedNode, name: string): unknown;
    cloneMessage<T>(msg: T): T;
  };
  settings?: Record<string, unknown>;
  httpAdmin?: { get(path: string, ...handlers: Handler[]): void };
  auth?: { needsPermission(permission: string): Handler };
}
