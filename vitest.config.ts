import { defineConfig } from 'vitest/config'

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['plugin/**/*.test.ts', 'client/**/*.test.{ts,tsx}', 'extension/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
    // The leak-warning tests collect garbage on purpose.
    execArgv: ['--expose-gc'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    expect: { poll: { timeout: 10_000, interval: 20 } },
  },
})
