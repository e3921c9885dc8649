/**
 * The form as data: one definition of every field and option (SPEC §5 names, labels, help), so the
 * n8n node description and the Node-RED editor show the same form with the same defaults.
 */
import { DEFAULT_AUTH, type AuthSettings } from './auth/config';
import { DEFAULT_OPTIONS, type NodeOptions } from './options';
import { METHODS } from './request/types';

export type FieldType = 'string' | 'number' | 'boolean' | 'options' | 'template';

export interface Choice {
  value: string;
  label: string;
  description?: string;
}

export interface OptionField {
  name: keyof NodeOptions;
  label: string;
  type: FieldType;
  default: string | number | boolean;
  description: string;
  choices?: Choice[];
  /** A group, for hosts that section their options. */
  group: 'request' | 'response' | 'retries' | 'throughput' | 'security' | 'pagination';
  /** Only one host shows it. */
  host?: 'n8n' | 'node-red';
  /** Shown only when another option has one of these values. */
  showWhen?: { option: keyof NodeOptions; values: Array<string | number | boolean> };
  /** Minimum for numbers. */
  min?: number;
  /** The unit, for labels: ms or bytes. */
  unit?: 'ms' | 'bytes';
}

export const METHOD_CHOICES: Choice[] = METHODS.map((m) => ({ value: m, label: m }));

export const BODY_MODE_CHOICES: Choice[] = [
  { value: 'none', label: 'None' },
  { value: 'fields', label: 'Fields', description: 'Key/value fields, sent as JSON, form-urlencoded or multipart' },
  { value: 'raw', label: 'Raw', description: 'A body written out: JSON by default, or text/XML with a content type' },
  { value: 'binary', label: 'Binary', description: 'Binary data from the input (n8n binary property, Node-RED Buffer)' },
];

export const BODY_ENCODING_CHOICES: Choice[] = [
  { value: 'json', label: 'JSON' },
  { value: 'form', label: 'Form URL-encoded' },
  { value: 'multipart', label: 'Multipart form data' },
];

/** Labels and help for the main form fields, shared by both editors. */
export const MAIN_FIELDS = {
  url: { label: 'URL', placeholder: 'https://api.example.com/users/#id', description: 'The full URL. # inserts a variable, encoded for its place: #id, #{user.first name}, #secrets.TOKEN. Write ## for a literal #.' },
  method: { label: 'Method', default: 'GET' },
  query: { label: 'Query parameters', description: 'Added to the URL. A value that is exactly one variable holding a list repeats the key.' },
  headers: { label: 'Headers', description: 'Header values may use # variables, e.g. Bearer #secrets.TOKEN.' },
  bodyMode: { label: 'Body', default: 'none' },
  bodyEncoding: { label: 'Encoding', default: 'json' },
  fields: { label: 'Body fields', description: 'In JSON, a value that is exactly one variable keeps its type (number, object, list).' },
  rawBody: { label: 'Raw body', description: 'A variable in value position is inserted as JSON; inside quotes, as escaped text.' },
  contentType: { label: 'Content type', placeholder: 'application/json', description: 'Empty means application/json. Any other type sends the raw body as text.' },
  binarySource: { label: 'Binary source', default: '#payload', description: 'One variable holding the binary data.' },
  secrets: { label: 'Secret keys', description: 'Named secrets, used as #secrets.NAME; never shown or stored outside the credential store.' },
} as const;

const d = DEFAULT_OPTIONS;

export const OPTION_FIELDS: OptionField[] = [
  { name: 'timeout', label: 'Timeout', type: 'number', unit: 'ms', min: 0, group: 'request', default: d.timeout, description: 'Time allowed for the whole request, per attempt (0: none).' },
  { name: 'followRedirects', label: 'Follow redirects', type: 'boolean', group: 'request', default: d.followRedirects, description: 'Follow 3xx redirects. Credentials and headers that used a secret are dropped when a redirect leaves the origin or goes from https to http.' },
  { name: 'maxRedirects', label: 'Max redirects', type: 'number', min: 0, group: 'request', default: d.maxRedirects, description: 'Redirects followed before the request fails.', showWhen: { option: 'followRedirects', values: [true] } },
  { name: 'onMissing', label: 'On missing variable', type: 'options', group: 'request', default: d.onMissing, description: 'What a # variable that does not resolve does.', choices: [
    { value: 'error', label: 'Error', description: 'Fail before sending, naming the variable and what exists' },
    { value: 'empty', label: 'Insert nothing', description: 'Insert nothing (null where a JSON value is needed)' },
    { value: 'keep', label: 'Keep as written', description: 'Insert the variable as written, encoded for its place' },
  ] },
  { name: 'responseFormat', label: 'Response format', type: 'options', group: 'response', default: d.responseFormat, description: 'How the response body is parsed.', choices: [
    { value: 'auto', label: 'Auto', description: 'By content type: JSON, text, or binary' },
    { value: 'json', label: 'JSON' },
    { value: 'text', label: 'Text' },
    { value: 'binary', label: 'Binary' },
  ] },
  { name: 'responseOutput', label: 'Output', type: 'options', group: 'response', host: 'n8n', default: d.responseOutput, description: 'The item JSON: the full response or the body only.', choices: [
    { value: 'full', label: 'Status, headers and body' },
    { value: 'body', label: 'Body only' },
  ] },
  { name: 'binaryProperty', label: 'Binary property', type: 'string', group: 'response', host: 'n8n', default: d.binaryProperty, description: 'Binary property for a binary response, and for binary or multipart input.' },
  { name: 'neverError', label: 'Never error', type: 'boolean', group: 'response', default: d.neverError, description: 'Pass every response on, whatever its status.' },
  { name: 'maxResponseBytes', label: 'Max response size', type: 'number', unit: 'bytes', min: 0, group: 'response', default: d.maxResponseBytes, description: 'Larger responses fail with RESPONSE_TOO_LARGE (0: no limit).' },
  { name: 'splitIntoItems', label: 'Split into items', type: 'boolean', group: 'response', host: 'n8n', default: d.splitIntoItems, description: 'A JSON-array body becomes one item per element.' },
  { name: 'retries', label: 'Retries', type: 'number', min: 0, group: 'retries', default: d.retries, description: 'Extra attempts on network errors, timeouts and 408, 413, 429, 500, 502, 503, 504, with backoff and Retry-After.' },
  { name: 'retryNonIdempotent', label: 'Retry POST and PATCH', type: 'boolean', group: 'retries', default: d.retryNonIdempotent, description: 'Also retry methods that may not be safe to repeat.' },
  { name: 'retryMaxDelay', label: 'Max retry delay', type: 'number', unit: 'ms', min: 0, group: 'retries', default: d.retryMaxDelay, description: 'Cap on the backoff and on a server\'s Retry-After.' },
  { name: 'concurrency', label: 'Concurrency', type: 'number', min: 1, group: 'throughput', default: d.concurrency, description: 'Requests in flight at once for this node.' },
  { name: 'batchSize', label: 'Batch size', type: 'number', min: 0, group: 'throughput', default: d.batchSize, description: 'Send in batches of this many (0: off).' },
  { name: 'batchInterval', label: 'Batch interval', type: 'number', unit: 'ms', min: 0, group: 'throughput', default: d.batchInterval, description: 'Pause between batches.' },
  { name: 'ignoreTlsErrors', label: 'Ignore TLS errors', type: 'boolean', group: 'security', default: d.ignoreTlsErrors, description: 'Accept invalid certificates for this node\'s requests only.' },
  { name: 'ssrfGuard', label: 'SSRF guard', type: 'boolean', group: 'security', default: d.ssrfGuard, description: 'Refuse private, loopback and link-local addresses.' },
  { name: 'allowedHosts', label: 'Allowed hosts', type: 'string', group: 'security', default: d.allowedHosts, description: 'Comma-separated host patterns (api.example.com, *.example.com); empty allows all.' },
  { name: 'pagination', label: 'Pagination', type: 'options', group: 'pagination', default: d.pagination, description: 'Fetch further pages after the first.', choices: [
    { value: 'off', label: 'Off' },
    { value: 'nextUrl', label: 'Next URL from the response', description: 'A template with #response, e.g. #response.body.next' },
    { value: 'pageParam', label: 'Page parameter counted up' },
    { value: 'linkHeader', label: 'Link header rel="next"' },
  ] },
  { name: 'nextUrl', label: 'Next URL', type: 'template', group: 'pagination', default: d.nextUrl, description: 'Template for the next page\'s URL, e.g. #response.body.next; empty or missing stops.', showWhen: { option: 'pagination', values: ['nextUrl'] } },
  { name: 'pageParam', label: 'Page parameter', type: 'string', group: 'pagination', default: d.pageParam, description: 'Query parameter to count up, e.g. page.', showWhen: { option: 'pagination', values: ['pageParam'] } },
  { name: 'pageStart', label: 'First page', type: 'number', group: 'pagination', default: d.pageStart, description: 'Value of the page parameter on the first request.', showWhen: { option: 'pagination', values: ['pageParam'] } },
  { name: 'pageStep', label: 'Page step', type: 'number', group: 'pagination', default: d.pageStep, description: 'Added to the page parameter for each next page.', showWhen: { option: 'pagination', values: ['pageParam'] } },
  { name: 'stopWhen', label: 'Stop when', type: 'options', group: 'pagination', default: d.stopWhen, description: 'When to stop fetching pages.', showWhen: { option: 'pagination', values: ['nextUrl', 'pageParam', 'linkHeader'] }, choices: [
    { value: 'noNext', label: 'No next page', description: 'No next URL or link (page parameter: an empty page)' },
    { value: 'emptyBody', label: 'Empty body', description: 'An empty body, or an empty array at the items path' },
    { value: 'status', label: 'Status code', description: 'A status in the stop status codes' },
  ] },
  { name: 'stopStatusCodes', label: 'Stop status codes', type: 'string', group: 'pagination', default: d.stopStatusCodes, description: 'Comma-separated, for "Stop when: status code".', showWhen: { option: 'stopWhen', values: ['status'] } },
  { name: 'itemsPath', label: 'Items path', type: 'string', group: 'pagination', default: d.itemsPath, description: 'Where the array is in a page\'s body, e.g. data.items.', showWhen: { option: 'pagination', values: ['nextUrl', 'pageParam', 'linkHeader'] } },
  { name: 'maxPages', label: 'Max pages', type: 'number', min: 1, group: 'pagination', default: d.maxPages, description: 'Pages fetched at the most.', showWhen: { option: 'pagination', values: ['nextUrl', 'pageParam', 'linkHeader'] } },
  { name: 'pageInterval', label: 'Page interval', type: 'number', unit: 'ms', min: 0, group: 'pagination', default: d.pageInterval, description: 'Pause between pages.', showWhen: { option: 'pagination', values: ['nextUrl', 'pageParam', 'linkHeader'] } },
  { name: 'paginationOutput', label: 'Pagination output', type: 'options', group: 'pagination', default: d.paginationOutput, description: 'One output per page, or one output with the pages merged.', showWhen: { option: 'pagination', values: ['nextUrl', 'pageParam', 'linkHeader'] }, choices: [
    { value: 'pages', label: 'One output per page' },
    { value: 'merged', label: 'Merged', description: 'The pages\' arrays joined (at the items path), or the list of page bodies' },
  ] },
];

/** The option fields one host shows. */
export function optionFieldsFor(host: 'n8n' | 'node-red'): OptionField[] {
  return OPTION_FIELDS.filter((f) => f.host === undefined || f.host === host);
}

/** One field of the Authentication section (saved flat: Node-RED properties, n8n `authentication` collection). */
export interface AuthField {
  name: keyof AuthSettings;
  label: string;
  type: 'options' | 'string';
  default: string;
  description: string;
  placeholder?: string;
  choices?: Choice[];
  /** The value is the NAME of a secret in the secret keys (hosts may offer the names to pick from). */
  secretName?: boolean;
  /** Must be filled in when shown (checked by the core too, with INVALID_CONFIG naming the field). */
  required?: boolean;
  /** Shown only when another auth field has one of these values (all conditions must hold). */
  showWhen: Array<{ field: keyof AuthSettings; values: string[] }>;
}

export const AUTH_TYPE_CHOICES: Choice[] = [
  { value: 'none', label: 'None' },
  { value: 'basic', label: 'Basic', description: 'Username and password, sent base64-encoded in the Authorization header' },
  { value: 'bearer', label: 'Bearer token', description: 'Authorization: Bearer <token>' },
  { value: 'apiKey', label: 'API key', description: 'A key in a header or a query parameter of your naming' },
  { value: 'digest', label: 'Digest', description: 'Username and password answering the server\'s challenge (MD5, SHA-256, -sess)' },
  { value: 'oauth2', label: 'OAuth2 client credentials', description: 'A token fetched from a token URL, cached until shortly before it expires' },
];

const a = DEFAULT_AUTH;
const SECRET_HELP = 'The name of a secret in the secret keys (not the value).';
const userPass: Array<{ field: keyof AuthSettings; values: string[] }> = [{ field: 'authType', values: ['basic', 'digest'] }];
const oauth2Only: Array<{ field: keyof AuthSettings; values: string[] }> = [{ field: 'authType', values: ['oauth2'] }];

export const AUTH_FIELDS: AuthField[] = [
  { name: 'authType', label: 'Authentication', type: 'options', default: a.authType, choices: AUTH_TYPE_CHOICES, showWhen: [], description: 'How the request proves who it is. Every scheme takes its values from the secret keys, by name; the values are masked in errors, logs and echoes.' },
  { name: 'authUsername', label: 'Username secret', type: 'string', secretName: true, required: true, default: a.authUsername, placeholder: 'API_USER', showWhen: userPass, description: `${SECRET_HELP} It holds the username.` },
  { name: 'authPassword', label: 'Password secret', type: 'string', secretName: true, default: a.authPassword, placeholder: 'API_PASSWORD', showWhen: userPass, description: `${SECRET_HELP} It holds the password; empty sends an empty password.` },
  { name: 'authToken', label: 'Token secret', type: 'string', secretName: true, required: true, default: a.authToken, placeholder: 'API_TOKEN', showWhen: [{ field: 'authType', values: ['bearer'] }], description: `${SECRET_HELP} Sent as Authorization: Bearer <token>.` },
  { name: 'authKeyIn', label: 'Send the key in', type: 'options', default: a.authKeyIn, showWhen: [{ field: 'authType', values: ['apiKey'] }], description: 'A request header, or a query parameter added to the URL.', choices: [
    { value: 'header', label: 'Header' },
    { value: 'query', label: 'Query parameter' },
  ] },
  { name: 'authKeyName', label: 'Key name', type: 'string', required: true, default: a.authKeyName, placeholder: 'X-API-Key', showWhen: [{ field: 'authType', values: ['apiKey'] }], description: 'The header or query parameter name the API expects, e.g. X-API-Key or api_key.' },
  { name: 'authKeySecret', label: 'Key secret', type: 'string', secretName: true, required: true, default: a.authKeySecret, placeholder: 'API_KEY', showWhen: [{ field: 'authType', values: ['apiKey'] }], description: `${SECRET_HELP} It holds the API key.` },
  { name: 'oauth2TokenUrl', label: 'Token URL', type: 'string', required: true, default: a.oauth2TokenUrl, placeholder: 'https://auth.example.com/oauth/token', showWhen: oauth2Only, description: 'The OAuth2 token endpoint (plain text, no # variables). Allowed hosts and the SSRF guard apply to it too.' },
  { name: 'oauth2ClientId', label: 'Client ID secret', type: 'string', secretName: true, required: true, default: a.oauth2ClientId, placeholder: 'CLIENT_ID', showWhen: oauth2Only, description: `${SECRET_HELP} It holds the client ID.` },
  { name: 'oauth2ClientSecret', label: 'Client secret secret', type: 'string', secretName: true, required: true, default: a.oauth2ClientSecret, placeholder: 'CLIENT_SECRET', showWhen: oauth2Only, description: `${SECRET_HELP} It holds the client secret.` },
  { name: 'oauth2Scope', label: 'Scope', type: 'string', default: a.oauth2Scope, placeholder: 'read write', showWhen: oauth2Only, description: 'Space-separated scopes to ask for; empty asks for the client\'s default.' },
  { name: 'oauth2Audience', label: 'Audience', type: 'string', default: a.oauth2Audience, placeholder: 'https://api.example.com', showWhen: oauth2Only, description: 'The API the token is for, where the server wants one (e.g. Auth0); empty sends none.' },
  { name: 'oauth2ClientAuth', label: 'Client authentication', type: 'options', default: a.oauth2ClientAuth, showWhen: oauth2Only, description: 'How the client ID and secret reach the token URL.', choices: [
    { value: 'header', label: 'Basic auth header', description: 'RFC 6749 default' },
    { value: 'body', label: 'In the request body', description: 'client_id and client_secret as form fields' },
  ] },
];
