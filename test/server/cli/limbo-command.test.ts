import { describe, expect, it } from 'vitest'
import { limboHarness, limboHarnessParallel } from '../../../server/cli/limbo-command.js'
import { makeChain, makeLeaf } from '../verifier/support/make-chain.js'

function testcase(id: string, fields: Record<string, unknown>) {
  return {
    id,
    validation_kind: 'SERVER',
    trusted_certs: [],
    untrusted_intermediates: [],
    validation_time: '2025-01-01T00:00:00Z',
    extended_key_usage: [],
    key_usage: [],
    expected_peer_name: { kind: 'DNS', value: 'bank.lab' },
    max_chain_depth: null,
    crls: [],
    ...fields,
  }
}

describe('limboHarness', () => {
  it('answers SUCCESS, FAILURE with the catching step, and SKIPPED with a reason', () => {
    const { root, intermediate, leaf } = makeChain()
    const suite = {
      version: 1,
      testcases: [
        testcase('good', { peer_certificate: leaf.pem, untrusted_intermediates: [intermediate.pem], trusted_certs: [root.pem] }),
        testcase('wrong-host', { peer_certificate: makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }] }).pem, untrusted_intermediates: [intermediate.pem], trusted_certs: [root.pem] }),
        testcase('expired-by-time', { peer_certificate: leaf.pem, untrusted_intermediates: [intermediate.pem], trusted_certs: [root.pem], validation_time: '2030-01-01T00:00:00Z' }),
        testcase('client', { validation_kind: 'CLIENT', peer_certificate: leaf.pem, expected_peer_name: null }),
      ],
    }
    const result = limboHarness(JSON.stringify(suite))
    expect(result).toMatchObject({ version: 1, harness: 'mitmlab' })
    expect(result.results.map((r) => [r.id, r.actual_result])).toEqual([
      ['good', 'SUCCESS'],
      ['wrong-host', 'FAILURE'],
      ['expired-by-time', 'FAILURE'],
      ['client', 'SKIPPED'],
    ])
    expect(result.results[1]?.context).toMatch(/^HOST HOSTNAME_MISMATCH: Certificate is for evil.lab, not bank.lab/)
    expect(result.results[2]?.context).toMatch(/^DATES CERT_EXPIRED/)
    expect(result.results[3]?.context).toMatch(/only SERVER validation/)
  })

  it('accepts null lists as older limbo files write them', () => {
    const { root, leaf } = makeChain()
    const suite = { version: 1, testcases: [testcase('nulls', { peer_certificate: leaf.pem, trusted_certs: [root.pem], untrusted_intermediates: null, crls: null, key_usage: null, extended_key_usage: null })] }
    expect(limboHarness(JSON.stringify(suite)).results[0]).toMatchObject({ id: 'nulls', actual_result: 'FAILURE' })
  })

  it('answers FAILURE, never throws, for a peer certificate that is not DER', () => {
    const suite = { version: 1, testcases: [testcase('garbage', { peer_certificate: '-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----\n' })] }
    expect(limboHarness(JSON.stringify(suite)).results[0]).toMatchObject({ actual_result: 'FAILURE', context: expect.stringMatching(/^TRUST CERT_MALFORMED/) })
  })

  it('gives the same results, in suite order, on two worker threads', async () => {
    const { root, intermediate, leaf } = makeChain()
    const cases = ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
      testcase(id, { peer_certificate: (i % 2 === 0 ? leaf : makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }] })).pem, untrusted_intermediates: [intermediate.pem], trusted_certs: [root.pem] }),
    )
    const input = JSON.stringify({ version: 1, testcases: cases })
    const now = new Date('2025-01-01T00:00:00Z')
    expect(await limboHarnessParallel(input, 2, now)).toEqual(limboHarness(input, now))
  })
})
