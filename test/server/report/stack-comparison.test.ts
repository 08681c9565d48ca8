import { describe, expect, it } from 'vitest'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { compareStacks, unmappedErrors, verifierOf } from '../../../server/report/stack-comparison.js'
import { renderClientStacks } from '../../../scripts/stacks/render-client-stacks.js'

/** Only what the comparison reads of a result. */
function cell(
  ordinal: number,
  scenarioId: string,
  clientId: string,
  verdict: 'accept' | 'reject',
  fields: Partial<ScenarioResult> & { step?: string | null; unmapped?: boolean; notExercised?: boolean } = {},
): ScenarioResult {
  const { step = verdict === 'reject' ? 'HOST' : null, unmapped = false, notExercised = false, ...rest } = fields
  return {
    runId: 'run',
    ordinal,
    scenarioId,
    clientId,
    kind: 'attack',
    verdict,
    catchingStep: unmapped ? null : step,
    expected: { verdict: 'reject', step: 'HOST' },
    asExpected: true,
    error: null,
    leaked: verdict === 'accept',
    mismatches: [],
    steps: [],
    connections: [],
    ...(clientId === 'lab-verifier'
      ? {}
      : {
          external: {
            rawError: verdict === 'reject' ? `${clientId} said no` : null,
            exitCode: verdict === 'reject' ? 1 : 0,
            isMapped: verdict === 'reject' && !unmapped,
            output: '',
            ...(notExercised ? { notExercised: 'went straight to https://' } : {}),
          },
        }),
    ...rest,
  } as ScenarioResult
}

describe('verifierOf', () => {
  it('groups clients by the library that verifies their chains', () => {
    expect(['node-https', 'curl', 'openssl', 'python-urllib', 'python-requests'].map((id) => verifierOf(id).verifier)).toEqual(
      Array(5).fill('OpenSSL (X509_verify_cert)'),
    )
    expect(verifierOf('wget').verifier).toBe('GnuTLS (gnutls_x509_trust_list_verify_crt)')
    expect(verifierOf('chromium').verifier).toMatch(/^Chrome's certificate verifier/)
    expect(verifierOf('firefox').verifier).toBe('NSS mozilla::pkix (Firefox)')
    expect(verifierOf('go').verifier).toBe('Go crypto/x509')
  })

  it('keeps the lab reference and node-insecure out of the comparison; an unknown client is its own verifier', () => {
    expect(verifierOf('lab-verifier').isCompared).toBe(false)
    expect(verifierOf('node-insecure').isCompared).toBe(false)
    expect(verifierOf('custom')).toEqual({ verifier: 'custom', isCompared: true })
  })
})

describe('compareStacks', () => {
  const results = [
    // 0: every stack rejects.
    cell(0, 'wrong-host', 'lab-verifier', 'reject'),
    cell(0, 'wrong-host', 'curl', 'reject'),
    cell(0, 'wrong-host', 'openssl', 'reject'),
    cell(0, 'wrong-host', 'wget', 'reject'),
    cell(0, 'wrong-host', 'chromium', 'reject'),
    cell(0, 'wrong-host', 'node-insecure', 'accept'),
    // 1: GnuTLS accepts what OpenSSL and Chrome reject (one of them unmapped: still a reject).
    cell(1, 'leaf-eku-client-auth-only', 'curl', 'reject', { step: 'EKU' }),
    cell(1, 'leaf-eku-client-auth-only', 'openssl', 'reject', { step: 'EKU' }),
    cell(1, 'leaf-eku-client-auth-only', 'wget', 'accept'),
    cell(1, 'leaf-eku-client-auth-only', 'chromium', 'reject', { unmapped: true }),
    // 2: OpenSSL's clients disagree with each other: mixed, never counted as accept or reject.
    cell(2, 'sslstrip-hsts-preloaded', 'curl', 'reject', { step: 'HSTS' }),
    cell(2, 'sslstrip-hsts-preloaded', 'openssl', 'accept'),
    cell(2, 'sslstrip-hsts-preloaded', 'wget', 'reject', { step: 'HSTS' }),
    cell(2, 'sslstrip-hsts-preloaded', 'chromium', 'accept', { notExercised: true }),
    // 3: a control Chrome refuses; wget could not be run, so GnuTLS has no answer.
    cell(3, 'ed25519-leaf', 'curl', 'accept', { kind: 'control', expected: { verdict: 'accept', step: null } }),
    cell(3, 'ed25519-leaf', 'openssl', 'accept', { kind: 'control', expected: { verdict: 'accept', step: null } }),
    cell(3, 'ed25519-leaf', 'wget', 'reject', { kind: 'control', expected: { verdict: 'accept', step: null }, error: 'wget: timed out' }),
    cell(3, 'ed25519-leaf', 'chromium', 'reject', { kind: 'control', step: 'ALG', expected: { verdict: 'accept', step: null } }),
  ]
  const comparison = compareStacks(results, ['node-insecure', 'curl', 'openssl', 'wget', 'chromium'])

  it('compares independent verifiers in run order, with their clients; not the lab reference nor node-insecure', () => {
    expect(comparison.verifiers.map((group) => [group.verifier.split(' ')[0], group.clientIds])).toEqual([
      ['OpenSSL', ['curl', 'openssl']],
      ['GnuTLS', ['wget']],
      ["Chrome's", ['chromium']],
    ])
  })

  it('lists, per pair, what one accepts and the other rejects', () => {
    const summary = comparison.pairs.map((pair) => ({
      pair: `${pair.first.split(' ')[0] ?? ''} / ${pair.second.split(' ')[0] ?? ''}`,
      firstAccepts: pair.firstAccepts.map((row) => row.scenarioId),
      secondAccepts: pair.secondAccepts.map((row) => row.scenarioId),
    }))
    expect(summary).toEqual([
      { pair: 'OpenSSL / GnuTLS', firstAccepts: [], secondAccepts: ['leaf-eku-client-auth-only'] },
      { pair: "OpenSSL / Chrome's", firstAccepts: ['ed25519-leaf'], secondAccepts: [] },
      { pair: "GnuTLS / Chrome's", firstAccepts: ['leaf-eku-client-auth-only'], secondAccepts: [] },
    ])
  })

  it('keeps each side\'s clients and steps, the kind and the catalog\'s expectation', () => {
    const [, openSslVsChrome, gnuTlsVsChrome] = comparison.pairs
    expect(gnuTlsVsChrome?.firstAccepts[0]).toMatchObject({
      kind: 'attack',
      expectedStep: 'HOST',
      accepting: { verdict: 'accept', cells: [{ clientId: 'wget', verdict: 'accept', step: null }] },
      rejecting: { verdict: 'reject', cells: [{ clientId: 'chromium', verdict: 'reject', step: null }] },
    })
    expect(openSslVsChrome?.firstAccepts[0]).toMatchObject({ kind: 'control', expectedStep: null })
  })

  it('reports a verifier whose own clients disagree as mixed, leaving out a client that never met the attack', () => {
    expect(comparison.mixed.map(({ scenarioId, answer }) => [scenarioId, answer.verifier.split(' ')[0], answer.cells.map((c) => `${c.clientId} ${c.verdict}`)])).toEqual([
      ['sslstrip-hsts-preloaded', 'OpenSSL', ['curl reject', 'openssl accept']],
    ])
  })

  it('unmappedErrors lists the refusals no table row named, verbatim', () => {
    expect(unmappedErrors(results)).toEqual([{ clientId: 'chromium', scenarioId: 'leaf-eku-client-auth-only', expectedStep: 'HOST', rawError: 'chromium said no' }])
  })

  it('renders the page: clients with verifier and version, the counts, each pair and the explanations', () => {
    const page = renderClientStacks({
      runId: 'run',
      startedAt: '2026-12-05T16:00:00.000Z',
      clientOrder: ['node-insecure', 'curl', 'openssl', 'wget', 'chromium'],
      versions: { curl: 'curl 7.88.1', wget: 'GNU Wget 1.21.3' },
      results,
      scenarios: new Map([['leaf-eku-client-auth-only', { title: 'Leaf certificate for client authentication only', explanation: 'Served as a server certificate, it must be refused.' }]]),
      command: 'npm run docs:stacks',
      machine: '2 cores',
    })
    expect(page).toContain('| wget | GnuTLS (gnutls_x509_trust_list_verify_crt) | GNU Wget 1.21.3 |')
    expect(page).toContain('| chromium | 3 | 0 | 0 | 1 | 1 | 1 | 1 | 0 | F |') // 1 of its 1 control refused: more than half (client-grade.ts)
    expect(page).toContain('Accepted by GnuTLS (gnutls_x509_trust_list_verify_crt), rejected by OpenSSL (X509_verify_cert) (1):')
    expect(page).toContain('| [leaf-eku-client-auth-only](#leaf-eku-client-auth-only) | attack | HOST | wget | curl (EKU), openssl (EKU) |')
    expect(page).toContain('**Leaf certificate for client authentication only.** Served as a server certificate, it must be refused.')
    expect(page).toContain('| chromium | leaf-eku-client-auth-only | HOST | chromium said no |')
  })
})
