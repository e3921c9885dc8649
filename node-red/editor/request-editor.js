  // ---- The request node's dialog (inlined into send-api-request.html by the build; FORM and
  // ---- SendApiRequestCore come from the build, see scripts/build-node-red-editor.js).

  /** Validator for a number option: Node-RED shows the returned text beside the node when invalid. */
  function numberValidator(field) {
    return function (value, opts) {
      var text = String(value === undefined || value === null ? '' : value).trim();
      var n = Number(text);
      if (text === '' || !isFinite(n)) return opts ? field.label + ': write a number' : false;
      if (field.min !== undefined && n < field.min) return opts ? field.label + ': at least ' + field.min : false;
      return true;
    };
  }

  /** The core's own parse of a `#` template: the problem (as the node would report it), or undefined. */
  function templateProblem(text, field) {
    try {
      SendApiRequestCore.template.parseTemplate(String(text), { field: field });
      return undefined;
    } catch (e) {
      return e.message;
    }
  }

  function templateValidator(field, required) {
    return function (value, opts) {
      if (required && (typeof value !== 'string' || value.trim() === '')) return opts ? FORM.main[field].label + ': write the URL to call' : false;
      var problem = templateProblem(value === undefined ? '' : value, field);
      return problem === undefined ? true : opts ? problem : false;
    };
  }

  function rowsValidator(field) {
    return function (rows, opts) {
      if (rows === undefined) return true;
      if (!Array.isArray(rows) || !rows.every(function (r) { return r && typeof r.key === 'string' && typeof r.value === 'string'; })) {
        return opts ? FORM.main[field].label + ': rows of key and value' : false;
      }
      for (var i = 0; i < rows.length; i++) {
        var problem = templateProblem(rows[i].key, field + '[' + i + '].key') || templateProblem(rows[i].value, field + '[' + i + '].value');
        if (problem !== undefined) return opts ? problem : false;
      }
      return true;
    };
  }

  /** An auth field's showWhen: every condition holds for `valueOf(field)`. */
  function authShown(field, valueOf) {
    return field.showWhen.every(function (c) { return c.values.indexOf(valueOf(c.field)) >= 0; });
  }

  /** A required auth field must be filled in when its scheme is chosen (the core checks it again). */
  function authValidator(field) {
    return function (value, opts) {
      var node = this;
      if (!field.required || !authShown(field, function (name) { return node[name]; })) return true;
      return (typeof value === 'string' && value.trim() !== '') || (opts ? field.label + ': required for this authentication' : false);
    };
  }

  function updateAuthVisibility() {
    FORM.auth.forEach(function (field) {
      $('.send-api-request-form .sar-auth[data-auth="' + field.name + '"]').toggle(authShown(field, function (name) { return $('#node-input-' + name).val(); }));
    });
  }

  /** Offers the names of the chosen secret-keys node in the auth fields that take a secret name. */
  function updateSecretNames() {
    var config = RED.nodes.node($('#node-input-secrets').val());
    var list = $('#send-api-request-secret-names').empty();
    ((config && config.keys) || []).forEach(function (k) { $('<option>').attr('value', k.name).appendTo(list); });
  }

  function requestDefaults() {
    var defaults = {
      name: { value: '' },
      method: { value: FORM.main.method.default },
      url: { value: '', required: true, validate: templateValidator('url', true) },
      query: { value: [], validate: rowsValidator('query') },
      headers: { value: [], validate: rowsValidator('headers') },
      bodyMode: { value: FORM.main.bodyMode.default },
      bodyEncoding: { value: FORM.main.bodyEncoding.default },
      fields: { value: [], validate: rowsValidator('fields') },
      rawBody: { value: '', validate: templateValidator('rawBody', false) },
      contentType: {
        value: '',
        validate: function (v, opts) {
          // Checked like a header value by the core: tab, printable ASCII and Latin-1 only.
          return /^[\t\x20-\x7e\x80-\xff]*$/.test(String(v || '')) || (opts ? FORM.main.contentType.label + ': letters, digits and punctuation only (no line breaks)' : false);
        },
      },
      binarySource: {
        value: FORM.main.binarySource.default,
        validate: function (v, opts) {
          if (this.bodyMode !== 'binary') return true;
          var problem = templateProblem(v === undefined ? '' : v, 'binarySource');
          if (problem === undefined && !SendApiRequestCore.template.parseTemplate(String(v), { field: 'binarySource' }).single) {
            problem = FORM.main.binarySource.label + ': exactly one variable, like #payload';
          }
          return problem === undefined ? true : opts ? problem : false;
        },
      },
      secrets: { value: '', type: 'send-api-request-secrets', required: false },
      tls: { value: '', type: 'tls-config', required: false },
    };
    FORM.auth.forEach(function (field) {
      defaults[field.name] = { value: field.default, validate: authValidator(field) };
    });
    FORM.options.forEach(function (field) {
      var def = { value: field.default };
      if (field.type === 'number') def.validate = numberValidator(field);
      if (field.type === 'template') def.validate = templateValidator(field.name, false);
      defaults[field.name] = def;
    });
    return defaults;
  }

  /** A key/value editableList; `rows` are { key, value }. */
  function keyValueList(selector, rows, placeholders) {
    var list = $(selector).css({ 'min-width': '450px' }).editableList({
      removable: true,
      sortable: true,
      height: 'auto',
      addItem: function (container, index, row) {
        var line = $('<div class="sar-list-row"></div>').appendTo(container);
        $('<input type="text" class="sar-key">').attr('placeholder', placeholders[0]).val(row.key || '').appendTo(line);
        $('<input type="text" class="sar-value">').attr('placeholder', placeholders[1]).val(row.value || '').appendTo(line);
      },
    });
    // A min-height on the list itself would fix its height (editableList reads it once); the container may grow.
    list.parent().css('min-height', '44px');
    (rows || []).forEach(function (r) { list.editableList('addItem', { key: r.key, value: r.value }); });
    return list;
  }

  function readKeyValueList(list) {
    var rows = [];
    list.editableList('items').each(function () {
      if (isBeingRemoved(this)) return;
      var key = $(this).find('.sar-key').val();
      var value = $(this).find('.sar-value').val();
      if (key !== '' || value !== '') rows.push({ key: key, value: value });
    });
    return rows;
  }

  function setKeyValueList(list, rows) {
    list.editableList('empty');
    rows.forEach(function (r) { list.editableList('addItem', { key: r.key, value: r.value }); });
  }

  /** JSON mode when the raw body is JSON: the same rule as the core (empty, application/json, +json). */
  function isJsonContentType(contentType) {
    var t = String(contentType || '').split(';')[0].trim().toLowerCase();
    return t === '' || t === 'application/json' || /\+json$/.test(t);
  }

  /** Shows each option whose showWhen rule holds, and whose controlling option is itself shown. */
  function updateOptionVisibility() {
    var shown = {};
    $('.send-api-request-form .sar-option').each(function () {
      var row = $(this);
      var controller = row.attr('data-show-option');
      var visible = true;
      if (controller) {
        var input = $('#node-input-' + controller);
        var value = input.attr('type') === 'checkbox' ? input.prop('checked') : input.val();
        var values = JSON.parse(row.attr('data-show-values'));
        visible = shown[controller] !== false && values.indexOf(value) >= 0;
      }
      shown[row.attr('data-option')] = visible;
      row.toggle(visible);
    });
  }

  function createRawEditor(node, value, contentType) {
    var editor = RED.editor.createEditor({
      id: 'node-input-rawBody-editor',
      mode: isJsonContentType(contentType) ? 'ace/mode/json' : 'ace/mode/text',
      value: value,
    });
    node._rawEditorJson = isJsonContentType(contentType);
    return editor;
  }

  /** The "Import cURL" panel: parses with the shared parser and fills the form. */
  function setupCurlImport(node, lists, fill) {
    var panel = $('#send-api-request-curl-panel');
    var error = $('#send-api-request-curl-error');
    $('#send-api-request-import-curl').on('click', function () {
      error.text('');
      panel.show();
      $('#send-api-request-curl-input').trigger('focus');
    });
    $('#send-api-request-curl-cancel').on('click', function () { panel.hide(); });
    $('#send-api-request-curl-apply').on('click', function () {
      var config;
      try {
        config = SendApiRequestCore.curl.parseCurl($('#send-api-request-curl-input').val());
      } catch (e) {
        error.text(e.message + (e.hint ? '\n' + e.hint : ''));
        return;
      }
      fill(config);
      $('#send-api-request-curl-input').val('');
      panel.hide();
    });
  }

  RED.nodes.registerType('send-api-request', {
    category: 'network',
    color: 'rgb(231, 231, 174)',
    defaults: requestDefaults(),
    inputs: 1,
    outputs: 1,
    icon: 'white-globe.svg',
    paletteLabel: 'send api request',
    label: function () {
      return this.name || (this.method && this.url ? this.method + ' ' + this.url : 'send api request');
    },
    labelStyle: function () {
      return this.name ? 'node_label_italic' : '';
    },
    oneditprepare: function () {
      var node = this;
      var tabs = RED.tabs.create({
        id: 'send-api-request-tabs',
        onchange: function (tab) {
          $('#send-api-request-tabs-content').children().hide();
          $('#' + tab.id).show();
          RED.tray.resize();
        },
      });
      tabs.addTab({ id: 'send-api-request-tab-request', label: node._('send-api-request.tabs.request') });
      tabs.addTab({ id: 'send-api-request-tab-options', label: node._('send-api-request.tabs.options') });

      var lists = {
        query: keyValueList('#node-input-query-list', node.query, ['name', 'value, e.g. #payload.page']),
        headers: keyValueList('#node-input-headers-list', node.headers, ['Header-Name', 'value, e.g. Bearer #secrets.TOKEN']),
        fields: keyValueList('#node-input-fields-list', node.fields, ['field', 'value, e.g. #payload.id']),
      };
      node._sarLists = lists;

      node._rawEditor = createRawEditor(node, node.rawBody || '', node.contentType);
      $('#node-input-contentType').on('change', function () {
        var json = isJsonContentType($(this).val());
        if (json === node._rawEditorJson) return;
        var value = node._rawEditor.getValue();
        node._rawEditor.destroy();
        node._rawEditor = createRawEditor(node, value, $(this).val());
      });

      $('#node-input-bodyMode').on('change', function () {
        var mode = $(this).val();
        $('.send-api-request-form .sar-body').hide();
        $('.send-api-request-form .sar-body-' + mode).show();
        RED.tray.resize();
      });

      // Options: numbers are shown as text; the defaults come from the shared form.
      FORM.options.forEach(function (field) {
        var value = node[field.name] === undefined ? field.default : node[field.name];
        var input = $('#node-input-' + field.name);
        if (field.type === 'boolean') input.prop('checked', value === true);
        else input.val(String(value));
        if (field.type === 'boolean' || field.type === 'options') input.on('change', updateOptionVisibility);
      });
      updateOptionVisibility();
      $('#node-input-bodyMode').trigger('change');

      FORM.auth.forEach(function (field) {
        $('#node-input-' + field.name).val(node[field.name] === undefined ? field.default : node[field.name]);
      });
      $('#node-input-authType').on('change', updateAuthVisibility);
      updateAuthVisibility();
      $('#node-input-secrets').on('change', updateSecretNames);
      updateSecretNames();

      setupCurlImport(node, lists, function (config) {
        $('#node-input-method').val(config.method);
        $('#node-input-url').val(config.url);
        setKeyValueList(lists.query, config.query || []);
        setKeyValueList(lists.headers, config.headers || []);
        var body = config.body || { mode: 'none' };
        $('#node-input-bodyMode').val(body.mode).trigger('change');
        if (body.mode === 'fields') {
          $('#node-input-bodyEncoding').val(body.encoding || 'json');
          setKeyValueList(lists.fields, body.fields || []);
        } else if (body.mode === 'raw') {
          $('#node-input-contentType').val(body.contentType || '').trigger('change');
          node._rawEditor.setValue(body.raw, -1);
        }
      });
    },
    oneditsave: function () {
      var node = this;
      node.query = readKeyValueList(node._sarLists.query);
      node.headers = readKeyValueList(node._sarLists.headers);
      node.fields = readKeyValueList(node._sarLists.fields);
      node.rawBody = node._rawEditor.getValue();
      node._rawEditor.destroy();
      delete node._rawEditor;
      delete node._sarLists;
      // Numbers are saved as numbers (Node-RED keeps them: it compares "60000" == 60000 as unchanged).
      FORM.options.forEach(function (field) {
        if (field.type !== 'number') return;
        var text = String($('#node-input-' + field.name).val()).trim();
        var n = Number(text);
        node[field.name] = text !== '' && isFinite(n) ? n : text;
      });
    },
    oneditcancel: function () {
      if (this._rawEditor) {
        this._rawEditor.destroy();
        delete this._rawEditor;
      }
      delete this._sarLists;
    },
    oneditresize: function () {
      if (this._rawEditor) this._rawEditor.resize();
    },
  });
