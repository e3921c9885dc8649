// Projects by host: scripts/run-tests.js runs core and Node-RED 4 on the machine's Node 20, and
// core, Node-RED 5 and n8n on the Node 24 that the `node` devDependency provides.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }];
const base = {
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'core', testMatch: ['<rootDir>/test/shared/**/*.test.ts'] },
    {
      ...base,
      displayName: 'node-red-4',
      testMatch: ['<rootDir>/test/node-red/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/node-red/use-node-red-4.js'],
    },
    {
      ...base,
      displayName: 'node-red-5',
      testMatch: ['<rootDir>/test/node-red/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/node-red/use-node-red-5.js'],
    },
    { ...base, displayName: 'n8n', testMatch: ['<rootDir>/test/n8n/**/*.test.ts'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
