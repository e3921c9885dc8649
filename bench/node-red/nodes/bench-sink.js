/** A bench-only Node-RED node: hands every message it receives to the worker (lib/bus.js). */
'use strict';
const bus = require('../../lib/bus');

module.exports = function register(RED) {
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    this.on('input', (msg, _send, done) => {
      bus.emit('message', msg);
      done();
    });
  }
  RED.nodes.registerType('bench-sink', BenchSink);
};
