// Four projects so a developer can run the fast ones alone (`npm run test:unit`).
// middy is ESM-only: transform it with ts-jest and map its entry point (see toolchain notes).
const common = {
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs' } }],
  },
  // The functions' bundles (dist/) are plain CommonJS, loaded as Lambda loads them.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)', '/dist/'],
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // A channel's construct tests synthesize: they run with the infrastructure tests.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/channels/.*/construct\\.test\\.ts$'],
      testMatch: [
        '<rootDir>/test/lambdas/**/*.test.ts',
        '<rootDir>/test/channels/**/*.test.ts',
        '<rootDir>/test/runtime/**/*.test.ts',
        '<rootDir>/test/devkit/**/*.test.ts',
        '<rootDir>/test/scripts/**/*.test.ts',
        '<rootDir>/test/schema/**/*.test.ts',
        '<rootDir>/test/cli/**/*.test.ts',
        '<rootDir>/test/support/**/*.test.ts',
        '<rootDir>/test/architecture/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      // 60 s per test and hook (see the file: a project cannot set testTimeout).
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/timeout.ts'],
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'infra',
      globalSetup: '<rootDir>/test/support/build-first.ts',
      testMatch: [
        '<rootDir>/test/lib/**/*.test.ts',
        '<rootDir>/test/bin/**/*.test.ts',
        '<rootDir>/test/channels/**/construct.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'package',
      // Packs what `npm run build` wrote: the setup builds first.
      globalSetup: '<rootDir>/test/support/build-first.ts',
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
    },
  ],
};
