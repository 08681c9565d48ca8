import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { dashboardAliases } from './dashboard/vite.config.js'

// One config for every suite. Slow suites (limbo conformance, the hostile-peer
// battery, the benchmark) are opt-in through their own npm scripts and env flags.
export default defineConfig({
  plugins: [vue()],
  resolve: { alias: dashboardAliases },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.spec.ts'],
    // The limbo conformance run is opt-in (npm run test:conformance). The hostile-peer battery is
    // bounded, so it runs with everything else; npm run test:robustness runs it alone.
    exclude: ['**/node_modules/**', 'test/conformance/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI also writes a JSON report, from which .ci/run prints its plain `tests: N passed, N failed` line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
  },
})
