/**
 * The node's parameters, generated from the shared form definition (shared/form.ts) so n8n and
 * Node-RED show the same fields, labels, defaults and help. Saved names follow SPEC §5.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { AUTH_FIELDS, BODY_ENCODING_CHOICES, BODY_MODE_CHOICES, MAIN_FIELDS, METHOD_CHOICES, optionFieldsFor, type AuthField, type Choice, type OptionField } from '../../shared/form';
import { DEFAULT_OPTIONS } from '../../shared/options';

function choices(list: readonly Choice[]): INodePropertyOptions[] {
  return list.map((c) => (c.description ? { name: c.label, value: c.value, description: c.description } : { name: c.label, value: c.value }));
}

/** A key/value list saved as `{ values: [{ key, value }] }`. */
function keyValueList(name: 'query' | 'headers' | 'fields', itemLabel: string, show?: INodeProperties['displayOptions']): INodeProperties {
  const f = MAIN_FIELDS[name];
  const property: INodeProperties = {
    displayName: f.label,
    name,
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    placeholder: `Add ${itemLabel}`,
    default: {},
    description: f.description,
    options: [
      {
        name: 'values',
        displayName: itemLabel,
        values: [
          { displayName: 'Name', name: 'key', type: 'string', default: '' },
          { displayName: 'Value', name: 'value', type: 'string', default: '' },
        ],
      },
    ],
  };
  if (show) property.displayOptions = show;
  return property;
}

function optionProperty(o: OptionField): INodeProperties {
  const description = o.unit === 'ms' ? `${o.description} In milliseconds.` : o.description;
  const p: INodeProperties = {
    displayName: o.label,
    name: o.name,
    type: o.type === 'template' ? 'string' : o.type,
    default: o.default,
    description,
  };
  if (o.choices) p.options = choices(o.choices);
  if (o.min !== undefined) p.typeOptions = { minValue: o.min };
  // n8n drops a collection option whose displayOptions fail, and reads an option left out as absent,
  // not as its default: "Max redirects" shown only for followRedirects [true] was ignored unless
  // "Follow redirects" had been added too. An option shown for its controller's default is always shown.
  if (o.showWhen && !o.showWhen.values.includes(DEFAULT_OPTIONS[o.showWhen.option])) p.displayOptions = { show: { [o.showWhen.option]: o.showWhen.values } };
  if (o.type === 'template') p.placeholder = '#response.body.next';
  return p;
}

/** Authentication fields, flat like Node-RED's (authType, authUsername, …); secret fields take secret NAMES. */
function authProperty(f: AuthField): INodeProperties {
  const p: INodeProperties = { displayName: f.label, name: f.name, type: f.type, default: f.default, description: f.description };
  if (f.choices) p.options = choices(f.choices);
  if (f.placeholder) p.placeholder = f.placeholder;
  if (f.required) p.required = true;
  if (f.showWhen.length) p.displayOptions = { show: Object.fromEntries(f.showWhen.map((c) => [c.field, c.values])) };
  return p;
}

const showFields = { show: { bodyMode: ['fields'] } };
const METHOD_DEFAULT = MAIN_FIELDS.method.default;
const BODY_MODE_DEFAULT = MAIN_FIELDS.bodyMode.default;
const BODY_ENCODING_DEFAULT = MAIN_FIELDS.bodyEncoding.default;

export const VARIABLES_HELP =
  'Insert values with #: #field or #json.field (this item), #steps["Node name"].field, #secrets.NAME (Secret Keys credential), #binary.property (a file, in multipart), #env.NAME. n8n {{ }} expressions work beside them. Write ## for a literal #.';

export const BINARY_HELP =
  'Sends the input item\'s binary property named in Options → Binary property (default "data"), with its MIME type unless Content Type is set.';

export function nodeProperties(): INodeProperties[] {
  return [
    { displayName: VARIABLES_HELP, name: 'variablesNotice', type: 'notice', default: '' },
    {
      displayName: MAIN_FIELDS.url.label,
      name: 'url',
      type: 'string',
      required: true,
      default: '',
      placeholder: MAIN_FIELDS.url.placeholder,
      description: MAIN_FIELDS.url.description,
    },
    {
      displayName: MAIN_FIELDS.method.label,
      name: 'method',
      type: 'options',
      options: choices(METHOD_CHOICES),
      default: METHOD_DEFAULT,
    },
    ...AUTH_FIELDS.map(authProperty),
    keyValueList('query', 'Parameter'),
    keyValueList('headers', 'Header'),
    {
      displayName: MAIN_FIELDS.bodyMode.label,
      name: 'bodyMode',
      type: 'options',
      options: choices(BODY_MODE_CHOICES),
      default: BODY_MODE_DEFAULT,
    },
    {
      displayName: MAIN_FIELDS.bodyEncoding.label,
      name: 'bodyEncoding',
      type: 'options',
      options: choices(BODY_ENCODING_CHOICES),
      default: BODY_ENCODING_DEFAULT,
      displayOptions: showFields,
    },
    keyValueList('fields', 'Field', showFields),
    {
      displayName: MAIN_FIELDS.rawBody.label,
      name: 'rawBody',
      type: 'json',
      default: '',
      description: MAIN_FIELDS.rawBody.description,
      displayOptions: { show: { bodyMode: ['raw'] } },
    },
    {
      displayName: MAIN_FIELDS.contentType.label,
      name: 'contentType',
      type: 'string',
      default: '',
      placeholder: MAIN_FIELDS.contentType.placeholder,
      description: MAIN_FIELDS.contentType.description,
      displayOptions: { show: { bodyMode: ['raw', 'binary'] } },
    },
    {
      displayName: BINARY_HELP,
      name: 'binaryNotice',
      type: 'notice',
      default: '',
      displayOptions: { show: { bodyMode: ['binary'] } },
    },
    {
      displayName: 'Options',
      name: 'options',
      type: 'collection',
      placeholder: 'Add option',
      default: {},
      options: optionFieldsFor('n8n').map(optionProperty),
    },
  ];
}
