// One jest run for the whole monorepo; the file suffix says what a test needs.
const transform = { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// temporal-polyfill ships ES modules only; jest on Node 20 needs them compiled to CommonJS.
const transformIgnorePatterns = ['/node_modules/(?!(temporal-polyfill|temporal-utils|temporal-spec)/)'];
const roots = ['<rootDir>/shared-kernel', '<rootDir>/command-api', '<rootDir>/projector', '<rootDir>/query-api', '<rootDir>/deploy', '<rootDir>/notifier'];
const project = (displayName, suffix, extra = {}) => ({
  displayName, roots, transform, transformIgnorePatterns, testEnvironment: 'node', testMatch: [`**/*.${suffix}.test.ts`], ...extra,
});
module.exports = {
  // Start-up of embedded PostgreSQL and real services takes seconds on a 2-core box.
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/jest.summaryReporter.js'],
  projects: [
    project('unit', 'unit'),
    project('int', 'int', { slowTestThreshold: 20 }),
    project('e2e', 'e2e', { slowTestThreshold: 60 }),
    // Hostile input against the running system: every refusal changes nothing, blocks no one, stops no one.
    project('hostile', 'hostile', { slowTestThreshold: 60 }),
  ],
};
