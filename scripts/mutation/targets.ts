/**
 * What the mutation run mutates, and which test files must notice: the code that decides and
 * reports a verdict (issue 22). Each group's mutants run only that group's tests.
 */
export interface MutationTarget {
  group: string
  /** Source files, relative to the repository root. */
  sources: readonly string[]
  /** Test files (or directories) that should kill the group's mutants. */
  tests: readonly string[]
}

const VERIFIER_TESTS = ['test/server/verifier']

export const MUTATION_TARGETS: readonly MutationTarget[] = [
  {
    group: 'verifier',
    sources: [
      'server/verifier/codes.ts',
      'server/verifier/path-builder.ts',
      'server/verifier/run-checks.ts',
      'server/verifier/signature.ts',
      'server/verifier/verification-memo.ts',
      'server/verifier/checks/check-algorithms.ts',
      'server/verifier/checks/check-basic-constraints.ts',
      'server/verifier/checks/check-eku.ts',
      'server/verifier/checks/check-extensions.ts',
      'server/verifier/checks/check-hostname.ts',
      'server/verifier/checks/check-key-usage.ts',
      'server/verifier/checks/check-name-constraints.ts',
      'server/verifier/checks/check-path-length.ts',
      'server/verifier/checks/check-pin.ts',
      'server/verifier/checks/check-revocation.ts',
      'server/verifier/checks/check-signature.ts',
      'server/verifier/checks/check-trust-anchor.ts',
      'server/verifier/checks/check-validity.ts',
      'server/verifier/names/constrained-names.ts',
      'server/verifier/names/dns-name.ts',
      'server/verifier/names/ip-address.ts',
      'server/verifier/names/match-hostname.ts',
      'server/verifier/names/subtree-match.ts',
      'server/verifier/names/subtree-verdict.ts',
      'server/verifier/rules/certificate-profile.ts',
      'server/verifier/rules/extension-rules.ts',
      'server/verifier/rules/rule-failure.ts',
    ],
    tests: VERIFIER_TESTS,
  },
  {
    group: 'judge',
    sources: ['scenarios/judge-result.ts'],
    tests: ['test/scenarios/judge-result.test.ts', 'test/server/proxy/json-login-leak.test.ts'],
  },
  {
    group: 'driver-errors',
    sources: ['server/drivers/error-table.ts', 'server/drivers/openssl-verify-errors.ts'],
    tests: ['test/server/drivers/error-tables.test.ts', 'test/server/drivers/openssl-verify-errors.test.ts'],
  },
  {
    group: 'proxy-recording',
    sources: ['server/proxy/request-recorder.ts'],
    tests: ['test/server/proxy/request-recorder.test.ts', 'test/server/proxy/request-recorder-limits.test.ts', 'test/server/proxy/json-login-leak.test.ts'],
  },
  {
    group: 'tls-handshake',
    sources: [
      'server/tls/handshake/finished-check.ts',
      'server/tls/handshake/handshake-steps.ts',
      'server/tls/handshake/client-error-kind.ts',
      'server/tls/handshake/downgrade-sentinel.ts',
      'server/tls/handshake/key-schedule.ts',
      'server/tls/handshake/record-protection.ts',
      'server/tls/handshake/protocol-order.ts',
      'server/tls/handshake/connection-context.ts',
      'server/tls/handshake/decode-connection.ts',
      'server/tls/handshake/direction-decoder.ts',
      'server/tls/handshake/hello-structure.ts',
      'server/tls/handshake/message-fields.ts',
      'server/tls/handshake/cipher-suites.ts',
      'server/tls/handshake/byte-reader.ts',
    ],
    tests: ['test/server/tls/handshake', 'test/server/tls/tamper/tamper-relay.test.ts'],
  },
  {
    group: 'store',
    sources: ['server/store/lab-store.ts', 'server/store/open-database.ts'],
    tests: ['test/server/store'],
  },
  {
    group: 'report',
    sources: ['server/report/format-junit.ts', 'server/report/format-markdown.ts', 'server/report/format-html.ts', 'server/report/run-report.ts', 'server/report/diff-runs.ts', 'server/report/xml-escape.ts'],
    tests: ['test/server/report/report-outcomes.test.ts', 'test/server/report/diff-runs.test.ts', 'test/server/report/run-report.test.ts'],
  },
  {
    group: 'access-policy',
    sources: ['server/api/access-policy.ts'],
    tests: ['test/server/api/access-policy.test.ts'],
  },
]
