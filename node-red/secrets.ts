/**
 * The secret-keys config node's data, merged into one name → value map (pure; unit-tested).
 *
 * Two ways to give values, both stored as Node-RED credentials (flows_cred.json, encrypted):
 * - `secrets`: a JSON object as text (`{"TOKEN":"…"}`), what a flow deployed through the admin API sends;
 * - `slot0` … `slot63`: one password credential per editor row, so one value can change without
 *   retyping the others (Node-RED sends untouched passwords back as a placeholder and keeps them).
 * The `keys` property (names and their slots) is the list of names; a name not in it is gone.
 */
export const MAX_SLOTS = 64;

export interface SecretKeyRow {
  name: string;
  slot: number | null;
}

export type MergeResult = { ok: true; secrets: Record<string, string> } | { ok: false; problem: string };

function textOfSecret(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Parses the JSON credential. The problem text never quotes the input: it is secret. */
export function parseSecretsJson(text: unknown): { ok: true; values: Record<string, unknown> } | { ok: false; problem: string } {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return { ok: true, values: {} };
  if (typeof text !== 'string') return { ok: false, problem: 'the "secrets" credential must be a JSON object written as text' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the "secrets" credential is not valid JSON; write an object like {"TOKEN": "value"}' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, problem: 'the "secrets" credential must be a JSON object like {"TOKEN": "value"}' };
  }
  return { ok: true, values: parsed as Record<string, unknown> };
}

function validSlot(slot: unknown): slot is number {
  return typeof slot === 'number' && Number.isInteger(slot) && slot >= 0 && slot < MAX_SLOTS;
}

/** Reads the `keys` property as saved; anything malformed is skipped rather than guessed at. */
export function normalizeKeys(keys: unknown): SecretKeyRow[] | undefined {
  if (keys === undefined || keys === null) return undefined;
  if (!Array.isArray(keys)) return [];
  const rows: SecretKeyRow[] = [];
  for (const k of keys) {
    if (k === null || typeof k !== 'object') continue;
    const name = typeof (k as { name?: unknown }).name === 'string' ? (k as { name: string }).name.trim() : '';
    if (name === '') continue;
    const rawSlot = (k as { slot?: unknown }).slot;
    const slot = typeof rawSlot === 'string' && /^\d+$/.test(rawSlot) ? Number(rawSlot) : rawSlot;
    rows.push({ name, slot: validSlot(slot) ? slot : null });
  }
  return rows;
}

/**
 * keys undefined → every name of the JSON credential; otherwise, per row, the slot's value when it is
 * set and non-empty, else the JSON value of that name. A row with neither has no value and is left out.
 */
export function mergeSecrets(keys: unknown, credentials: Record<string, unknown> | undefined): MergeResult {
  const creds = credentials ?? {};
  const json = parseSecretsJson(creds.secrets);
  if (!json.ok) return json;
  const rows = normalizeKeys(keys);
  const secrets: Record<string, string> = {};
  if (rows === undefined) {
    for (const [name, value] of Object.entries(json.values)) {
      const text = textOfSecret(value);
      if (text !== undefined) secrets[name] = text;
    }
    return { ok: true, secrets };
  }
  for (const row of rows) {
    const fromSlot = row.slot !== null ? creds[`slot${row.slot}`] : undefined;
    const text = typeof fromSlot === 'string' && fromSlot !== '' ? fromSlot : textOfSecret(Object.prototype.hasOwnProperty.call(json.values, row.name) ? json.values[row.name] : undefined);
    if (text !== undefined) secrets[row.name] = text;
  }
  return { ok: true, secrets };
}

/** Credential definitions for registerType: the JSON text and one password per slot. */
export function secretCredentialTypes(): Record<string, { type: 'password' }> {
  const out: Record<string, { type: 'password' }> = { secrets: { type: 'password' } };
  for (let i = 0; i < MAX_SLOTS; i++) out[`slot${i}`] = { type: 'password' };
  return out;
}
