/**
 * n8n's community-node lint (scripts/lint-n8n.js: @n8n/node-cli's eslint config on the sources, the
 * community-nodes rules on every .js file of build/n8n). The linter is installed on first use into
 * .tmp/n8n-lint (about a minute once); a run takes about 15 s.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lint } = require('../../scripts/lint-n8n') as { lint(): Record<'sources' | 'built', Array<{ file: string; severity: string; rule: string; message: string; line: number }>> };

test('no lint errors in the node, the credential, or any compiled file of the package', () => {
  const { sources, built } = lint();
  const errors = (list: typeof sources) => list.filter((m) => m.severity === 'error').map((m) => `${m.file}:${m.line} ${m.message} (${m.rule})`);
  expect(errors(built)).toEqual([]);
  expect(errors(sources.filter((m) => /^(nodes|credentials)\//.test(m.file)))).toEqual([]);
  // Errors outside the node's own sources (the shared core, the repository's package metadata) are
  // shown here and by `npm run lint:n8n`, which fails on them.
  const elsewhere = errors(sources.filter((m) => !/^(nodes|credentials)\//.test(m.file)));
  if (elsewhere.length) console.warn(`n8n lint, outside nodes/ and credentials/:\n${elsewhere.join('\n')}`);
}, 240000);
