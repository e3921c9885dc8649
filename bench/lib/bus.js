/** The one EventEmitter the bench sink node (loaded by Node-RED) and the Node-RED worker share. */
'use strict';
const { EventEmitter } = require('node:events');

module.exports = new EventEmitter();
