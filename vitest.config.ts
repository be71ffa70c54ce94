import { coverageConfigDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'simulator/**/*.ts'],
      // Coverage globs match anywhere in a path, so the simulator's own tests would count as simulator code.
      exclude: [...coverageConfigDefaults.exclude, 'test/unit/simulator/**'],
      // A floor under lib/ (the product's core) and the simulator (it ships: `sc2aws simulator`, the
      // demo, the bench), measured on the in-process tests.
      thresholds: { lines: 90, functions: 80, branches: 80, statements: 90 },
    },
  },
});
