import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { findClaimedEntry } from '../../../server/fingerprint/catalog.js'
import { compareUpstreamLeg, detectInterception } from '../../../server/fingerprint/detect-interception.js'
import { fingerprintStep } from '../../../server/fingerprint/fingerprint-step.js'
import { planImpersonation } from '../../../server/fingerprint/impersonate.js'
import type { ClientHello } from '../../../server/tls/client-hello/types.js'
import { captureClient, captureNodeTlsHello } from './live-hello.js'

/** Probed with the binary itself, not with the code under test. */
const hasCurl = spawnSync('curl', ['--version']).status === 0

function byFieldOf(detection: { differences: { field: string }[] }): Record<string, unknown> {
  return Object.fromEntries(detection.differences.map((d) => [d.field, d]))
}

describe('detectInterception', () => {
  let nodeDirect: ClientHello
  /** What a plain node:tls proxy sends upstream: its own defaults plus the ALPN it speaks. */
  let nodeProxyLeg: ClientHello
  beforeAll(async () => {
    nodeDirect = await captureClient('node-tls')
    nodeProxyLeg = await captureNodeTlsHello({ ALPNProtocols: ['http/1.1'] })
  })

  it('matches a direct node:tls connection to the node-tls entry, and the FP step passes', () => {
    const detection = detectInterception(nodeDirect, { clientId: 'node-tls' })
    expect(detection).toMatchObject({ verdict: 'match', claimed: 'node-tls', differences: [], downgrades: [] })
    expect(fingerprintStep(detection)).toMatchObject({ step: 'FP', status: 'pass' })
  })

  it('matches a direct curl connection claiming curl/7.88.1', async (context) => {
    context.skip(!hasCurl, 'needs the curl binary (apt-get install -y curl)')
    const detection = detectInterception(await captureClient('curl'), { userAgent: 'curl/7.88.1' })
    expect(detection.verdict).toBe('match')
    expect(detection.matchedClient).toBe('curl')
  })

  it('flags INTERCEPTION_DETECTED when node:tls re-originates a curl request, naming each differing field', () => {
    const detection = detectInterception(nodeProxyLeg, { userAgent: 'curl/7.88.1' })
    expect(detection.verdict).toBe('intercepted')
    // The proxy leg (node:tls + ALPN http/1.1) is byte-for-byte the lab verifier's own hello.
    expect(detection.matchedClient).toBe('lab-verifier')
    // Node 24 (OpenSSL 3.5) also offers the post-quantum hybrid group and ML-DSA signature schemes that
    // Debian's curl (OpenSSL 3.0) lacks, and sends a second key share for it.
    expect(detection.differences.map((d) => d.field)).toEqual([
      'supportedVersions',
      'cipherSuites',
      'cipherSuiteOrder',
      'extensions',
      'supportedGroups',
      'supportedGroupOrder',
      'signatureAlgorithms',
      'alpn',
      'keyShareGroups',
    ])
    expect(byFieldOf(detection)['supportedGroups']).toMatchObject({
      missing: ['ffdhe4096', 'ffdhe6144', 'ffdhe8192'],
      extra: ['X25519MLKEM768'],
    })
    expect(byFieldOf(detection)['keyShareGroups']).toMatchObject({ expected: ['x25519'], actual: ['X25519MLKEM768', 'x25519'] })
    const byField = Object.fromEntries(detection.differences.map((d) => [d.field, d]))
    expect(byField['supportedVersions']).toMatchObject({ expected: ['TLS 1.3', 'TLS 1.2', 'TLS 1.1', 'TLS 1.0'], actual: ['TLS 1.3', 'TLS 1.2'] })
    expect(byField['extensions']).toMatchObject({ missing: ['post_handshake_auth'], extra: ['renegotiation_info', 'session_ticket'] })
    expect(byField['alpn']).toMatchObject({ expected: ['h2', 'http/1.1'], actual: ['http/1.1'] })
    // OpenSSL 3.5 signals secure renegotiation with the extension, curl's OpenSSL 3.0 with the SCSV.
    expect(byField['cipherSuites']?.missing).toEqual(['TLS_EMPTY_RENEGOTIATION_INFO_SCSV'])
    expect(byField['cipherSuites']?.extra).toContain('TLS_RSA_WITH_AES_128_CCM')
    // Node's default list adds static-RSA CCM/ARIA suites curl never offers: a real (mild) downgrade.
    expect(detection.downgrades.map((d) => d.code)).toEqual(['STATIC_RSA_CIPHERS_ADDED'])
    const step = fingerprintStep(detection)
    expect(step).toMatchObject({ step: 'FP', status: 'fail', code: 'INTERCEPTION_DETECTED' })
    expect(step.detail?.['differences']).toEqual(detection.differences)
  })

  it('skips UNKNOWN_CLIENT for a claim the catalog has never recorded, still naming the lookalike', () => {
    const detection = detectInterception(nodeDirect, { userAgent: 'Mozilla/5.0 Firefox/128.0' })
    expect(detection).toMatchObject({ verdict: 'unknown-client', matchedClient: 'node-tls' })
    expect(fingerprintStep(detection)).toMatchObject({ step: 'FP', status: 'skip', code: 'UNKNOWN_CLIENT' })
  })

  // Needs no client installed: the hello each client sent is in the recorded catalog, and
  // node:tls (always here) does the impersonating. What stays unmirrored is written out.
  it.each<[string, string[]]>([
    ['lab-verifier', []],
    ['curl', ['extensions']],
    ['openssl-s-client', []],
    ['node-fetch', []],
  ])('node:tls impersonating %s differs in exactly %j, the fields planImpersonation calls unmirrorable', async (clientId, fields) => {
    const entry = findClaimedEntry({ clientId })
    if (entry === undefined) throw new Error(`catalog has no ${clientId} entry`)
    const plan = planImpersonation(entry.hello)
    expect(plan.unmirrorable.map((u) => u.field)).toEqual(fields)
    const detection = detectInterception(await captureNodeTlsHello(plan.options), { clientId })
    expect(detection.differences.map((d) => d.field)).toEqual(fields)
    expect(detection.verdict).toBe(fields.length === 0 ? 'match' : 'intercepted')
  })

  it('still catches an impersonated curl by its post_handshake_auth extension alone', async () => {
    const curl = findClaimedEntry({ clientId: 'curl' })
    if (curl === undefined) throw new Error('catalog has no curl entry')
    const plan = planImpersonation(curl.hello)
    expect(plan.unmirrorable.map((u) => u.field)).toEqual(['extensions'])
    const detection = detectInterception(await captureNodeTlsHello(plan.options), { userAgent: 'curl/7.88.1' })
    expect(detection.differences).toEqual([
      expect.objectContaining({ field: 'extensions', missing: ['post_handshake_auth'], extra: [] }),
    ])
    expect(detection.downgrades).toEqual([])
  })
})

describe('compareUpstreamLeg', () => {
  it('reports the downgrades of an upstream leg capped at TLS 1.2 with a NULL suite', async () => {
    const clientLeg = await captureClient('node-tls')
    const upstreamLeg = await captureNodeTlsHello({
      maxVersion: 'TLSv1.2',
      // OpenSSL 3.0 has no 3DES or RC4 here; a NULL-encryption suite needs security level 0, which also allows SHA-1 signatures.
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:NULL-SHA:@SECLEVEL=0',
    })
    const { downgrades, differences } = compareUpstreamLeg(clientLeg, upstreamLeg)
    expect(downgrades).toEqual([
      { code: 'MAX_VERSION_LOWERED', expected: ['TLS 1.3'], actual: ['TLS 1.2'] },
      { code: 'WEAK_CIPHERS_ADDED', expected: [], actual: ['TLS_RSA_WITH_NULL_SHA'] },
      { code: 'SHA1_SIGNATURES_ADDED', expected: [], actual: ['ecdsa_sha1', 'rsa_pkcs1_sha1', 'sha1_dsa'] },
      // TLS 1.2 has no hybrid key exchange: the Node 24 client's X25519MLKEM768 is gone upstream.
      { code: 'HYBRID_GROUP_REMOVED', expected: ['X25519MLKEM768'], actual: ['x25519', 'secp256r1', 'x448', 'secp384r1', 'secp521r1'] },
    ])
    expect(differences.map((d) => d.field)).toContain('cipherSuites')
  })

  it('reports MIN_VERSION_LOWERED when the upstream leg also offers TLS 1.0 and 1.1', async () => {
    // OpenSSL 3.5 offers TLS 1.0/1.1 only at security level 0, as a legacy middlebox would configure it.
    const upstream = await captureNodeTlsHello({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' })
    const { downgrades } = compareUpstreamLeg(await captureClient('node-tls'), upstream)
    // Level 0 also lets OpenSSL offer SHA-1 signatures again: both are what such a box sends.
    expect(downgrades).toEqual([
      { code: 'MIN_VERSION_LOWERED', expected: ['TLS 1.2'], actual: ['TLS 1.0'] },
      { code: 'SHA1_SIGNATURES_ADDED', expected: [], actual: ['ecdsa_sha1', 'rsa_pkcs1_sha1', 'sha1_dsa'] },
    ])
  })

  it('reports no downgrade when both legs are the same client', async () => {
    const hello = await captureClient('node-tls')
    expect(compareUpstreamLeg(hello, await captureClient('node-tls'))).toEqual({ differences: [], downgrades: [] })
  })
})
