import { mergeSecrets, normalizeKeys, secretCredentialTypes } from '../../node-red/secrets';

describe('secret-keys merge (slots and the JSON credential)', () => {
  test('without keys, every name of the JSON credential', () => {
    expect(mergeSecrets(undefined, { secrets: '{"TOKEN":"abc123","N":5}' })).toEqual({ ok: true, secrets: { TOKEN: 'abc123', N: '5' } });
  });

  test('a slot value wins over the JSON value; an empty slot falls back to JSON', () => {
    const keys = [{ name: 'A', slot: 0 }, { name: 'B', slot: 1 }, { name: 'C', slot: null }];
    const creds = { secrets: '{"A":"json-a","B":"json-b","C":"json-c"}', slot0: 'slot-a', slot1: '' };
    expect(mergeSecrets(keys, creds)).toEqual({ ok: true, secrets: { A: 'slot-a', B: 'json-b', C: 'json-c' } });
  });

  test('names not in keys are gone; a row with no value is left out', () => {
    const keys = [{ name: 'KEEP', slot: 3 }, { name: 'EMPTY', slot: 4 }];
    const creds = { secrets: '{"GONE":"x","KEEP":"old"}', slot3: 'new' };
    expect(mergeSecrets(keys, creds)).toEqual({ ok: true, secrets: { KEEP: 'new' } });
  });

  test('no credentials at all gives no secrets', () => {
    expect(mergeSecrets(undefined, undefined)).toEqual({ ok: true, secrets: {} });
    expect(mergeSecrets([], {})).toEqual({ ok: true, secrets: {} });
  });

  test('invalid JSON is a clear problem that never quotes the text', () => {
    const r = mergeSecrets(undefined, { secrets: '{"TOKEN": sup3r-secret}' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toMatch(/not valid JSON/);
      expect(r.problem).not.toContain('sup3r');
    }
    const arr = mergeSecrets(undefined, { secrets: '["a"]' });
    expect(arr.ok).toBe(false);
  });

  test('malformed rows are skipped, slots out of range are ignored', () => {
    expect(normalizeKeys([{ name: ' A ', slot: '2' }, { name: '' }, null, 'x', { name: 'B', slot: 99 }])).toEqual([{ name: 'A', slot: 2 }, { name: 'B', slot: null }]);
    expect(normalizeKeys('nope')).toEqual([]);
  });

  test('credential types: the JSON text and 64 password slots', () => {
    const types = secretCredentialTypes();
    expect(types.secrets).toEqual({ type: 'password' });
    expect(types.slot63).toEqual({ type: 'password' });
    expect(Object.keys(types)).toHaveLength(65);
  });
});
