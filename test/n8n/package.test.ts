/**
 * The n8n package as n8n sees it: package.json rules for community nodes, the tarball's contents
 * (no node_modules, no Node-RED code, no tests), and the node description's saved names (SPEC §5).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_OPTIONS } from '../../shared/options';
import { optionFieldsFor } from '../../shared/form';
import { PACKAGE_DIR, loadPackage, NODE_TYPE, CREDENTIAL_TYPE } from './harness';

const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;

test('package.json: name, keyword, n8n section, no runtime dependencies, n8n-workflow the only peer', () => {
  expect(pkg.name).toBe('n8n-nodes-send-api-request');
  expect(pkg.keywords).toContain('n8n-community-node-package');
  expect(pkg.n8n).toEqual({
    n8nNodesApiVersion: 1,
    strict: true,
    nodes: ['dist/nodes/SendApiRequest/SendApiRequest.node.js'],
    credentials: ['dist/credentials/SendApiRequestSecretKeysApi.credentials.js'],
  });
  expect(pkg.dependencies).toBeUndefined();
  expect(Object.keys(pkg.peerDependencies as object)).toEqual(['n8n-workflow']);
  for (const file of [...(pkg.n8n as { nodes: string[] }).nodes, ...(pkg.n8n as { credentials: string[] }).credentials]) {
    expect(fs.existsSync(path.join(PACKAGE_DIR, file))).toBe(true);
  }
});

test('the tarball holds the compiled node, credential and core only', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, encoding: 'utf8' });
  const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
  expect(files).toEqual(expect.arrayContaining([
    'package.json',
    'dist/nodes/SendApiRequest/SendApiRequest.node.js',
    'dist/nodes/SendApiRequest/SendApiRequest.node.json',
    'dist/nodes/SendApiRequest/sendApiRequest.svg',
    'dist/nodes/SendApiRequest/sendApiRequest.dark.svg',
    'dist/credentials/SendApiRequestSecretKeysApi.credentials.js',
    'dist/shared/run.js',
  ]));
  for (const f of files) {
    expect(f).toMatch(/^(package\.json|README\.md|LICENSE|dist\/(nodes|credentials|shared)\/.+)$/);
    expect(f).not.toMatch(/node_modules|node-red|transports|(^|\/)test|\.test\.|axios/i);
  }
  // Every require of the shipped code is relative, n8n-workflow (the one peer dependency) or Node's
  // crypto (on n8n's allow-list).
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(PACKAGE_DIR, f), 'utf8');
    for (const m of code.matchAll(/require\(["']([^"']+)["']\)/g)) expect([f, m[1]]).toEqual([f, expect.stringMatching(/^(\.{1,2}\/|n8n-workflow$|(node:)?crypto$)/)]);
  }
});

test('the node description uses the saved names of SPEC §5, with the shared option defaults', async () => {
  const { nodeTypes, credentialTypes } = await loadPackage();
  const description = (nodeTypes.getByNameAndVersion(NODE_TYPE, 1) as { description: INodeTypeDescription }).description;
  expect(description.name).toBe('sendApiRequest');
  expect(description.usableAsTool).toBe(true);
  expect(description.credentials).toEqual([{ name: CREDENTIAL_TYPE, required: false }]);
  const byName = new Map(description.properties.map((p) => [p.name, p]));
  for (const name of ['url', 'method', 'query', 'headers', 'bodyMode', 'bodyEncoding', 'fields', 'rawBody', 'contentType', 'options']) expect(byName.has(name)).toBe(true);
  expect((byName.get('method')?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  expect((byName.get('bodyMode')?.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['none', 'fields', 'raw', 'binary']);
  for (const list of ['query', 'headers', 'fields']) {
    const values = (byName.get(list)?.options as Array<{ name: string; values: INodeProperties[] }>)[0];
    expect([values.name, values.values.map((v) => v.name)]).toEqual(['values', ['key', 'value']]);
  }
  const options = byName.get('options')?.options as INodeProperties[];
  expect(options.map((o) => o.name).sort()).toEqual(optionFieldsFor('n8n').map((o) => o.name).sort());
  for (const o of options) expect([o.name, o.default]).toEqual([o.name, DEFAULT_OPTIONS[o.name as keyof typeof DEFAULT_OPTIONS]]);

  const credential = credentialTypes[CREDENTIAL_TYPE];
  const keys = credential.properties.find((p) => p.name === 'keys') as INodeProperties;
  const row = (keys.options as Array<{ name: string; values: INodeProperties[] }>)[0];
  expect([row.name, row.values.map((v) => v.name)]).toEqual(['values', ['name', 'value']]);
  expect(row.values[1].typeOptions?.password).toBe(true);
  expect(credential.test?.request.url).toBe('={{$credentials.testUrl}}');
});
