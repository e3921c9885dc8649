process.env.NODE_RED_PACKAGE = 'node-red-4';
