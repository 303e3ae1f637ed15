// One jest run for the whole monorepo; the file suffix says what a test needs.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const roots = ['<rootDir>/shared-kernel', '<rootDir>/command-api', '<rootDir>/projector', '<rootDir>/query-api', '<rootDir>/deploy'];
const project = (displayName, suffix, extra = {}) => ({
  displayName, roots, transform, testEnvironment: 'node', testMatch: [`**/*.${suffix}.test.ts`], ...extra,
});
module.exports = {
  projects: [
    project('unit', 'unit'),
    project('int', 'int', { slowTestThreshold: 20 }),
    project('e2e', 'e2e', { slowTestThreshold: 60 }),
  ],
};
