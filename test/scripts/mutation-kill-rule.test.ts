import { describe, expect, it } from 'vitest'
import { isKilled, noFailures, orderTestFiles, type RunFailures } from '../../scripts/mutation/kill-rule.js'

// The rule that turns test runs into the mutation score (docs/mutation-testing.md): if it were
// lenient, every number in the README's mutation line would be too high.
const failures = (tests: string[], modules: string[] = []): RunFailures => ({ tests: new Set(tests), modules: new Set(modules) })

describe('isKilled', () => {
  it('a test that passed without the mutant and fails with it kills the mutant', () => {
    expect(isKilled(noFailures(), failures(['a.test.ts > judge > wrong step']))).toBe(true)
  })

  it('no failure at all is a survivor', () => {
    expect(isKilled(noFailures(), noFailures())).toBe(false)
  })

  it('a test that already failed before any mutation never counts as a kill', () => {
    const baseline = failures(['a.test.ts > flaky on Node 24'])
    expect(isKilled(baseline, failures(['a.test.ts > flaky on Node 24']))).toBe(false)
  })

  it('a new failure beside an old one still kills', () => {
    const baseline = failures(['a.test.ts > broken'])
    expect(isKilled(baseline, failures(['a.test.ts > broken', 'a.test.ts > now failing']))).toBe(true)
  })

  it('a module that loaded without the mutant and errors with it kills the mutant', () => {
    expect(isKilled(noFailures(), failures([], ['/w/test/b.test.ts']))).toBe(true)
  })

  it('a module that already errored before any mutation does not', () => {
    const baseline = failures([], ['/w/test/b.test.ts'])
    expect(isKilled(baseline, failures([], ['/w/test/b.test.ts']))).toBe(false)
  })

  it('compares names exactly: a failing test of the same name in another file is a new failure', () => {
    const baseline = failures(['a.test.ts > same name'])
    expect(isKilled(baseline, failures(['b.test.ts > same name']))).toBe(true)
  })
})

describe('orderTestFiles', () => {
  const texts: Record<string, string> = {
    '/w/test/v/check-eku.test.ts': "import { checkEku } from '../../../server/verifier/checks/check-eku.js'",
    '/w/test/v/path-builder-limits.test.ts': "import { buildPaths } from '../../server/verifier/path-builder.js'",
    '/w/test/v/chain-scenarios.test.ts': "import { buildPaths } from '../../server/verifier/path-builder.js'",
    '/w/test/v/path-builder.test.ts': "import { buildPaths } from '../../server/verifier/path-builder.js'",
    '/w/test/v/verify.test.ts': "import { verify } from '../../server/verifier/verify.js'",
  }
  const files = Object.keys(texts)
  const read = (file: string): string => texts[file] ?? ''

  it('runs the test named after the source first, then its importers, then the rest, each in the given order', () => {
    expect(orderTestFiles('server/verifier/path-builder.ts', files, read)).toEqual([
      '/w/test/v/path-builder-limits.test.ts',
      '/w/test/v/path-builder.test.ts',
      '/w/test/v/chain-scenarios.test.ts',
      '/w/test/v/check-eku.test.ts',
      '/w/test/v/verify.test.ts',
    ])
  })

  it('never drops or repeats a file', () => {
    const ordered = orderTestFiles('server/verifier/checks/check-eku.ts', files, read)
    expect([...ordered].sort()).toEqual([...files].sort())
    expect(ordered[0]).toBe('/w/test/v/check-eku.test.ts')
  })

  it('does not take a longer name for an importer of the source (path-builder-extra.js is not path-builder.js)', () => {
    const other = { '/w/t/x.test.ts': "import '../server/path-builder-extra.js'", '/w/t/y.test.ts': "import '../server/path-builder.js'" }
    expect(orderTestFiles('server/path-builder.ts', Object.keys(other), (f) => other[f as keyof typeof other])).toEqual(['/w/t/y.test.ts', '/w/t/x.test.ts'])
  })
})
