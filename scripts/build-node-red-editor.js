// Renders the Node-RED editor (dist/node-red/send-api-request.html) at build time with handlebars,
// from the templates in node-red/editor/ and the shared form definition (compiled dist/shared/form.js),
// so the Node-RED dialog shows the same fields, labels, defaults and rules as the n8n node.
// The browser code is inlined (editor scripts + the compiled cURL parser): the editor page loads
// nothing else and nothing from the internet.
const fs = require('node:fs');
const path = require('node:path');
const Handlebars = require('handlebars');

const root = path.join(__dirname, '..');
const templates = path.join(root, 'node-red', 'editor');
const distShared = path.join(root, 'dist', 'shared');
const outFile = path.join(root, 'dist', 'node-red', 'send-api-request.html');

const GROUPS = [
  { id: 'request', label: 'Timeouts, redirects and variables' },
  { id: 'retries', label: 'Retries' },
  { id: 'response', label: 'Response' },
  { id: 'throughput', label: 'Throughput' },
  { id: 'security', label: 'Security' },
  { id: 'pagination', label: 'Pagination' },
];

/** JSON that is safe inside an inline <script>: no `</script>`, no HTML comment openers. */
function scriptJson(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Bundles compiled CommonJS modules and the relative modules they require into one expression that
 * evaluates to `{ <name>: exports of that entry }`. Only files under dist/shared are allowed in.
 */
function bundle(entries) {
  const modules = new Map();
  const visit = (file) => {
    if (modules.has(file)) return;
    if (!file.startsWith(distShared + path.sep)) throw new Error(`editor bundle: ${file} is outside dist/shared`);
    const source = fs.readFileSync(file, 'utf8');
    const deps = {};
    modules.set(file, { source, deps });
    for (const m of source.matchAll(/require\("([^"]+)"\)/g)) {
      const spec = m[1];
      if (!spec.startsWith('.')) throw new Error(`editor bundle: ${path.relative(root, file)} requires "${spec}"; the editor bundle takes relative modules only`);
      const dep = path.resolve(path.dirname(file), spec) + '.js';
      deps[spec] = path.relative(distShared, dep);
      visit(dep);
    }
  };
  for (const file of Object.values(entries)) visit(file);
  const defs = [...modules].map(([file, { source, deps }]) =>
    `${JSON.stringify(path.relative(distShared, file))}: [${scriptJson(deps)}, function (require, module, exports) {\n${source.replace(/<\/script/gi, '<\\/script')}\n}]`,
  );
  const exported = Object.entries(entries).map(([name, file]) => `${JSON.stringify(name)}: load(${JSON.stringify(path.relative(distShared, file))})`);
  return `(function () {
  var defs = {${defs.join(',\n')}};
  var cache = {};
  function load(id) {
    if (cache[id]) return cache[id].exports;
    var module = (cache[id] = { exports: {} });
    var def = defs[id];
    def[1](function (spec) { return load(def[0][spec]); }, module, module.exports);
    return module.exports;
  }
  return {${exported.join(', ')}};
})()`;
}

/** The form data the templates and the browser code share. */
function formData() {
  const form = require(path.join(distShared, 'form.js'));
  const options = form.optionFieldsFor('node-red');
  return {
    main: form.MAIN_FIELDS,
    methods: form.METHOD_CHOICES,
    bodyModes: form.BODY_MODE_CHOICES,
    bodyEncodings: form.BODY_ENCODING_CHOICES,
    groups: GROUPS.map((g) => ({ ...g, options: options.filter((o) => o.group === g.id) })).filter((g) => g.options.length > 0),
    options,
    auth: form.AUTH_FIELDS,
  };
}

function helpers(hb) {
  // JSON for an HTML attribute: a plain string, so {{ }} escapes its quotes.
  hb.registerHelper('attrJson', (value) => JSON.stringify(value));
  hb.registerHelper('eq', (a, b) => a === b);
  hb.registerHelper('unitLabel', (unit) => (unit ? ` (${unit})` : ''));
}

/** The help panel must document every option the dialog shows: a build error names the ones it misses. */
function checkHelp(options, auth) {
  const help = fs.readFileSync(path.join(root, 'node-red', 'locales', 'en-US', 'send-api-request.html'), 'utf8');
  const missing = options.filter((o) => !help.includes(`<b>${o.name}</b>`)).map((o) => o.name);
  for (const f of auth) if (!help.includes(`<code>${f.name}</code>`)) missing.push(f.name);
  for (const type of ['send-api-request', 'send-api-request-secrets']) if (!help.includes(`data-help-name="${type}"`)) missing.push(`help for ${type}`);
  if (missing.length > 0) throw new Error(`node-red/locales/en-US/send-api-request.html does not document: ${missing.join(', ')}`);
}

async function render() {
  const hb = Handlebars.create();
  helpers(hb);
  for (const f of fs.readdirSync(templates)) {
    if (f.endsWith('.hbs') && f.startsWith('_')) hb.registerPartial(f.slice(1, -4), fs.readFileSync(path.join(templates, f), 'utf8'));
  }
  const data = formData();
  checkHelp(data.options, data.auth);
  const page = hb.compile(fs.readFileSync(path.join(templates, 'send-api-request.html.hbs'), 'utf8'));
  const html = page({
    ...data,
    formJson: scriptJson({ options: data.options, main: data.main, auth: data.auth }),
    coreBundle: bundle({ curl: path.join(distShared, 'request', 'curl.js'), template: path.join(distShared, 'template', 'parse.js') }),
    requestEditor: fs.readFileSync(path.join(templates, 'request-editor.js'), 'utf8'),
    secretsEditor: fs.readFileSync(path.join(templates, 'secrets-editor.js'), 'utf8'),
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, html);
}

module.exports = { render, outFile };
