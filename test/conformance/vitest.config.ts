import { defineConfig } from 'vitest/config'

// The opt-in conformance suite (npm run test:conformance): the main config excludes test/conformance/**.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/conformance/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 300_000,
  },
})
