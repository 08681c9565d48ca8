/**
 * When a mutant counts as killed (docs/mutation-testing.md). Kept apart from the runner so the
 * rule that decides the mutation score is itself tested (test/scripts/mutation-kill-rule.test.ts).
 */

/** What went wrong in one run: failed tests (by file and full name) and modules that errored or never ran. */
export interface RunFailures {
  tests: Set<string>
  modules: Set<string>
}

export const noFailures = (): RunFailures => ({ tests: new Set(), modules: new Set() })

/**
 * Killed: a test that passed without the mutant fails with it, or a module that loaded without
 * the mutant no longer does. A test that already failed before any mutation never counts: a
 * broken test is not evidence that the suite noticed the bug.
 */
export function isKilled(baseline: RunFailures, mutated: RunFailures): boolean {
  return [...mutated.tests].some((test) => !baseline.tests.has(test)) || [...mutated.modules].some((module) => !baseline.modules.has(module))
}

/**
 * The order in which a mutant's test files run when the run stops at the first kill: the test
 * named after the mutated source first (`path-builder.ts` → `path-builder.test.ts`), then the
 * files that import it, then the rest, each tier in its given order. The verdict does not depend
 * on the order (a survivor still runs every file); only the time to the first kill does.
 */
export function orderTestFiles(source: string, files: readonly string[], readText: (file: string) => string): string[] {
  const base = (source.split('/').pop() ?? source).replace(/\.ts$/, '')
  const tier = (file: string): number => {
    const name = file.split('/').pop() ?? file
    if (name === `${base}.test.ts` || name.startsWith(`${base}-`) || name.startsWith(`${base}.`)) return 0
    return readText(file).includes(`/${base}.js'`) ? 1 : 2
  }
  return files.map((file, index) => ({ file, index, tier: tier(file) })).sort((a, b) => a.tier - b.tier || a.index - b.index).map((entry) => entry.file)
}
