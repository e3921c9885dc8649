// Renders the Node-RED editor HTML from shared/form.ts (compiled to dist/) with handlebars.
// Placeholder until the editor lands: writes nothing.
async function render() {}
module.exports = { render };
