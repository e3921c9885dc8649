/** The Secret Keys credential's data, `{ keys: { values: [{ name, value }] } }`, as `#secrets` names → values. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'sendApiRequestSecretKeysApi';

export function secretsFromCredential(data: ICredentialDataDecryptedObject | undefined): Record<string, string> {
  const rows = (data?.keys as { values?: unknown } | undefined)?.values;
  const secrets: Record<string, string> = {};
  if (!Array.isArray(rows)) return secrets;
  for (const row of rows as Array<{ name?: unknown; value?: unknown }>) {
    const name = typeof row?.name === 'string' ? row.name.trim() : '';
    if (name === '') continue;
    secrets[name] = row.value === undefined || row.value === null ? '' : String(row.value);
  }
  return secrets;
}
