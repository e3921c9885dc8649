#!/usr/bin/env node
// `npm run lint:n8n`: n8n's community-node lint on the n8n package, with zero errors required.
//
// The linter (@n8n/node-cli's eslint config with @n8n/eslint-plugin-community-nodes) cannot be a
// devDependency: one of its dependencies runs `npx only-allow pnpm` on install. So it is installed on
// demand into .tmp/n8n-lint with --ignore-scripts (Node 24 on PATH), once.
//
// Two passes, both must have no errors:
//  1. the sources of what ships (nodes/, credentials/, the core in shared/ without transports) and the
//     package's package.json, laid out as an n8n node project, with @n8n/node-cli's own config;
//  2. every .js file of build/n8n (what the tarball holds) with the community-nodes rules, since n8n
//     also checks the published code (no restricted globals or imports).
// Run `npm run build` first. Prints each pass's eslint output and "n8n lint: N errors, N warnings".
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { root, copyTree } = require('./package-files');
const toolDir = path.join(root, '.tmp', 'n8n-lint');
const stage = path.join(toolDir, 'project');
const built = path.join(root, 'build', 'n8n');
const TOOLS = ['@n8n/node-cli@0.48.3', 'eslint@9.29.0', 'typescript@5.9.3'];

function node24Bin() {
  const shipped = path.join(root, 'node_modules', 'node', 'bin');
  return fs.existsSync(path.join(shipped, 'node')) ? shipped : path.dirname(process.execPath);
}

function run(cmd, args, cwd) {
  const env = { ...process.env, PATH: `${node24Bin()}${path.delimiter}${process.env.PATH}` };
  // eslint-plugin-n8n-nodes-base lints a fixed fake file name when NODE_ENV is "test" (its own tests).
  delete env.NODE_ENV;
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function installTools() {
  const marker = path.join(toolDir, 'node_modules', '@n8n', 'node-cli', 'package.json');
  if (fs.existsSync(marker)) return;
  fs.mkdirSync(toolDir, { recursive: true });
  fs.writeFileSync(path.join(toolDir, 'package.json'), `${JSON.stringify({ name: 'n8n-lint-tools', private: true }, null, 2)}\n`);
  console.log(`Installing ${TOOLS.join(', ')} into ${path.relative(root, toolDir)} (once)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', ...TOOLS], toolDir);
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('Installing the n8n linter failed.');
  }
}

/** An n8n node project with the shipped sources and the built package.json. */
function stageProject() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const notTransport = (f) => !f.includes(`${path.sep}transports${path.sep}`);
  copyTree(path.join(root, 'nodes'), path.join(stage, 'nodes'), () => true);
  copyTree(path.join(root, 'credentials'), path.join(stage, 'credentials'), () => true);
  copyTree(path.join(root, 'shared'), path.join(stage, 'shared'), (f) => f.endsWith('.ts') && notTransport(f));
  fs.copyFileSync(path.join(built, 'package.json'), path.join(stage, 'package.json'));
  fs.copyFileSync(path.join(root, 'tsconfig.json'), path.join(stage, 'tsconfig.json'));
  fs.writeFileSync(path.join(stage, 'eslint.config.mjs'), [
    "import { config } from '@n8n/node-cli/eslint';",
    '',
    'export default [',
    '  ...config,',
    '  // The one scoped exception: require-node-api-error asks node code to rethrow as NodeApiError so the',
    '  // n8n UI keeps HTTP context. The core throws its own SendApiRequestError (code, field, status,',
    '  // masked request), and the node converts every one of them to NodeApiError / NodeOperationError at',
    '  // its boundary (nodes/SendApiRequest/errors.ts); nodes/ and credentials/ keep the rule.',
    "  { files: ['shared/**/*.ts'], rules: { '@n8n/community-nodes/require-node-api-error': 'off' } },",
    '];',
    '',
  ].join('\n'));
}

/** A config for the compiled files: the community-nodes rules that apply to plain JavaScript. */
function stageBuiltConfig() {
  const file = path.join(toolDir, 'eslint.built.config.mjs');
  fs.writeFileSync(file, [
    "import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';",
    '',
    'const rules = n8nCommunityNodesPlugin.configs.recommended.rules;',
    'export default [',
    '  {',
    "    files: ['**/*.js'],",
    "    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },",
    "    plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin },",
    '    rules: {',
    "      '@n8n/community-nodes/no-restricted-globals': rules['@n8n/community-nodes/no-restricted-globals'],",
    "      '@n8n/community-nodes/no-restricted-imports': rules['@n8n/community-nodes/no-restricted-imports'],",
    "      '@n8n/community-nodes/no-dangerous-functions': rules['@n8n/community-nodes/no-dangerous-functions'],",
    '    },',
    '  },',
    '];',
    '',
  ].join('\n'));
  return file;
}

/** Runs eslint; returns its messages with file paths relative to `cwd`. */
function eslint(cwd, args) {
  const bin = path.join(toolDir, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const r = run(path.join(node24Bin(), 'node'), [bin, '--format', 'json', ...args], cwd);
  let results;
  try {
    results = JSON.parse(r.stdout);
  } catch {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('eslint did not run.');
  }
  return results.flatMap((file) => file.messages.map((m) => ({
    file: path.relative(cwd, file.filePath).split(path.sep).join('/'),
    line: m.line ?? 0,
    column: m.column ?? 0,
    severity: m.severity === 2 ? 'error' : 'warning',
    rule: m.ruleId ?? 'parse',
    message: m.message,
  })));
}

/**
 * Both passes; returns { sources, built }, each a list of { file, line, column, severity, rule, message }.
 * Throws when the package is not built or the linter cannot be installed.
 */
function lint() {
  if (!fs.existsSync(path.join(built, 'package.json'))) throw new Error('build/n8n is missing: run `npm run build` first.');
  installTools();
  stageProject();
  try {
    const sources = eslint(stage, ['.']);
    const compiled = eslint(built, ['--config', stageBuiltConfig(), '--no-config-lookup', 'dist']);
    return { sources, built: compiled };
  } finally {
    // The staged project is scratch: removed so test runners scanning the checkout do not see a second package.
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function report(title, messages) {
  console.log(title);
  for (const m of messages) console.log(`  ${m.severity === 'error' ? 'error  ' : 'warning'} ${m.file}:${m.line}:${m.column} ${m.message} (${m.rule})`);
  const errors = messages.filter((m) => m.severity === 'error').length;
  console.log(`  ${errors} errors, ${messages.length - errors} warnings`);
  return errors;
}

function main() {
  const { sources, built: compiled } = lint();
  const errors = report('Pass 1: sources and package.json, @n8n/node-cli eslint config', sources) +
    report('Pass 2: the compiled package (build/n8n/dist/**/*.js), community-nodes rules', compiled);
  const warnings = sources.length + compiled.length - errors;
  console.log(`n8n lint: ${errors} errors, ${warnings} warnings`);
  process.exit(errors > 0 ? 1 : 0);
}

module.exports = { lint };

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
}
