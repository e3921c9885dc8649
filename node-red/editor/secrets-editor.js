  // ---- The secret-keys config node's dialog (inlined into send-api-request.html by the build).
  // Names are the plain `keys` property ({ name, slot }); each value is the password credential
  // slot<N>. Node-RED never sends a password back: a stored one shows as __PWRD__, and a credential
  // left untouched is not sent on deploy, so the runtime keeps it.

  var MAX_SLOTS = 64;
  var STORED = '__PWRD__';

  function slotCredentials() {
    var creds = { secrets: { type: 'password' } };
    for (var i = 0; i < MAX_SLOTS; i++) creds['slot' + i] = { type: 'password' };
    return creds;
  }

  function validKeys(keys, opts) {
    if (keys === undefined) return true; // deployed through the admin API with the JSON credential only
    if (!Array.isArray(keys)) return opts ? 'Secret keys: a list of names' : false;
    var seen = {};
    for (var i = 0; i < keys.length; i++) {
      var name = keys[i] && keys[i].name;
      if (typeof name !== 'string' || name.trim() === '') return opts ? 'Secret keys: every row needs a name' : false;
      if (seen[name]) return opts ? 'Secret keys: the name ' + name + ' is used twice' : false;
      seen[name] = true;
    }
    return true;
  }

  /** editableList fades a removed row out for 300 ms before it leaves `items`: a quick Done must not keep it. */
  function isBeingRemoved(item) {
    return $(item).closest('li').hasClass('red-ui-editableList-item-deleting');
  }

  function hasStored(node, slot) {
    if (slot === null || slot === undefined) return false;
    var creds = node.credentials || {};
    return creds['has_slot' + slot] === true || (typeof creds['slot' + slot] === 'string' && creds['slot' + slot] !== '');
  }

  RED.nodes.registerType('send-api-request-secrets', {
    category: 'config',
    paletteLabel: 'secret keys',
    defaults: {
      name: { value: '' },
      keys: { value: [], validate: validKeys },
    },
    credentials: slotCredentials(),
    label: function () {
      if (this.name) return this.name;
      var names = (this.keys || []).map(function (k) { return k.name; });
      return names.length ? 'secrets: ' + names.join(', ') : 'secret keys';
    },
    oneditprepare: function () {
      var node = this;
      var message = $('#node-config-secrets-message');
      var list = $('#node-config-input-keys-list').css({ 'min-width': '420px' }).editableList({
        removable: true,
        sortable: true,
        height: 'auto',
        addButton: node._('send-api-request-secrets.label.add'),
        addItem: function (container, index, row) {
          var line = $('<div class="sar-list-row"></div>').appendTo(container);
          var nameInput = $('<input type="text" class="sar-secret-name" placeholder="NAME">').val(row.name || '').appendTo(line);
          var valueInput = $('<input type="password" class="sar-secret-value" autocomplete="new-password">').appendTo(line);
          container.data('slot', row.slot === undefined ? null : row.slot);
          if (row.stored) {
            valueInput.val(STORED).attr('title', node._('send-api-request-secrets.label.stored'));
            valueInput.on('focus', function () { if (valueInput.val() === STORED) valueInput.select(); });
          } else {
            valueInput.attr('placeholder', node._('send-api-request-secrets.label.value'));
          }
          if (row.stored && row.slot === null) {
            // A value from the JSON credential is known by its name only: renaming needs the value again.
            nameInput.prop('readonly', true).attr('title', node._('send-api-request-secrets.label.renameJson'));
            valueInput.on('input', function () { nameInput.prop('readonly', valueInput.val() === STORED); });
          }
          var rows = list.editableList('length');
          if (rows > MAX_SLOTS) message.text(node._('send-api-request-secrets.label.tooMany', { max: MAX_SLOTS }));
        },
        removeItem: function () {
          message.text('');
        },
      });

      list.parent().css('min-height', '80px');
      if (Array.isArray(node.keys)) {
        node.keys.forEach(function (k) {
          list.editableList('addItem', { name: k.name, slot: k.slot, stored: k.slot === null ? true : hasStored(node, k.slot) });
        });
      } else if (node.credentials && node.credentials.has_secrets) {
        // Deployed through the admin API with only the JSON credential: list its names (never values).
        $.getJSON('send-api-request-secrets/' + encodeURIComponent(node.id) + '/names')
          .done(function (data) {
            var names = Array.isArray(data) ? data : (data && data.names) || [];
            names.forEach(function (name) { list.editableList('addItem', { name: name, slot: null, stored: true }); });
          })
          .fail(function () {
            message.text(node._('send-api-request-secrets.label.namesUnavailable'));
          });
      }
    },
    oneditsave: function () {
      var node = this;
      var creds = node.credentials || (node.credentials = {});
      var rows = [];
      $('#node-config-input-keys-list').editableList('items').each(function () {
        if (isBeingRemoved(this)) return;
        var name = $(this).find('.sar-secret-name').val().trim();
        var value = $(this).find('.sar-secret-value').val();
        var slot = $(this).data('slot');
        if (name === '' && (value === '' || value === STORED)) return; // an empty row
        rows.push({ name: name, value: value, slot: slot === undefined ? null : slot });
      });

      var used = {};
      rows.forEach(function (r) { if (r.slot !== null) used[r.slot] = true; });
      function freeSlot() {
        for (var i = 0; i < MAX_SLOTS; i++) if (!used[i]) { used[i] = true; return i; }
        return null;
      }

      var keys = [];
      rows.forEach(function (r) {
        if (r.value !== STORED) {
          // A new or changed value: the row keeps its slot (or takes a free one) and sends only this one.
          if (r.slot === null) r.slot = freeSlot();
          if (r.slot === null) return; // over MAX_SLOTS: the dialog said so
          creds['slot' + r.slot] = r.value;
          creds['has_slot' + r.slot] = r.value !== '';
        }
        keys.push({ name: r.name, slot: r.slot });
      });

      // Slots of removed rows are cleared: an empty password credential deletes the stored value.
      (Array.isArray(node.keys) ? node.keys : []).forEach(function (k) {
        if (k.slot !== null && k.slot !== undefined && !used[k.slot]) {
          creds['slot' + k.slot] = '';
          creds['has_slot' + k.slot] = false;
        }
      });
      // The JSON credential is dropped once no row reads from it.
      var readsJson = keys.some(function (k) { return k.slot === null; });
      if (!readsJson && creds.has_secrets) {
        creds.secrets = '';
        creds.has_secrets = false;
      }
      node.keys = keys;
    },
  });
