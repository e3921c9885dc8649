// Non-TypeScript assets of the build: tsc compiles to dist/, then these tasks render the Node-RED
// editor from the shared form definition, assemble the two publishable packages in build/ and pack
// them into artifacts/ (SPEC §6).
const { series } = require('gulp');
const editor = require('./scripts/build-node-red-editor');
const n8n = require('./scripts/build-n8n');
const nodeRed = require('./scripts/build-node-red');
const { packAll } = require('./scripts/pack');

exports.build = series(editor.render, n8n.assemble, nodeRed.assemble);
exports.pack = series(packAll);
exports.default = exports.build;
