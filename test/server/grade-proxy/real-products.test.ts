import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLabPki, type LabPki } from '../../../ca/index.js'
import { gradeProduct } from '../../../server/grade-proxy/grade-product.js'
import { mitmproxyProduct } from '../../../server/grade-proxy/product-mitmproxy.js'
import { squidProduct } from '../../../server/grade-proxy/product-squid.js'
import { sslsplitProduct } from '../../../server/grade-proxy/product-sslsplit.js'
import type { ProxyReportCard } from '../../../server/grade-proxy/report-card.js'

// Issue 21: the real products from Debian (squid-openssl, sslsplit, mitmproxy; .ci/run installs them), each
// started with a generated configuration on 127.0.0.1 and graded against a subset of the defects. The verdicts
// asserted are the ones established on Debian 12 (docs/interception-products.md has the full report cards).
// A product not installed is skipped, the reason coming from an explicit `which`.
const has = (command: string): boolean => spawnSync('which', [command]).status === 0
const hasMitmdump = has('mitmdump')
const hasSquid = has('squid') && spawnSync('squid', ['-v'], { encoding: 'utf8' }).stdout.includes('--with-openssl')
const hasSslsplit = has('sslsplit')
/** Appended to a test's name when it is skipped, so the report says why. */
const unless = (present: boolean, reason: string): string => (present ? '' : ` [skipped: ${reason}]`)
const NO_MITMDUMP = unless(hasMitmdump, 'no mitmdump on PATH (which mitmdump); apt-get install mitmproxy')
const NO_SQUID = unless(hasSquid, 'no squid with OpenSSL (which squid; squid -v); apt-get install squid-openssl')
const NO_SSLSPLIT = unless(hasSslsplit, 'no sslsplit on PATH (which sslsplit); apt-get install sslsplit')
const SUBSET = ['expired', 'self-signed', 'wrong-host', 'sha1-signature', 'tls10-only']

let pki: LabPki
beforeAll(() => {
  pki = createLabPki()
})

const verdicts = (card: ProxyReportCard): Record<string, string> => Object.fromEntries(card.defects.map((d) => [d.defectId, d.verdict]))

describe('real interception products', () => {
  it.skipIf(!hasMitmdump)(`mitmproxy (default) relays the control, blocks broken upstreams with 502, and makes a fresh CA per install${NO_MITMDUMP}`, async () => {
    const card = await gradeProduct({ product: mitmproxyProduct({ insecure: false }), defects: SUBSET, pki })
    expect(verdicts(card)).toEqual({ control: 'relayed', expired: 'blocked', 'self-signed': 'blocked', 'wrong-host': 'blocked', 'sha1-signature': 'blocked', 'tls10-only': 'blocked' })
    expect(card.defects.find((d) => d.defectId === 'expired')?.client.httpStatus).toBe(502)
    expect(card.checks.find((c) => c.id === 'install:root-key')?.result).toBe('pass')
    // Its client leg has no hybrid group: classical x25519 even though the client offered X25519MLKEM768.
    expect(card.defects.find((d) => d.defectId === 'control')?.client.group).toBe('x25519')
    // A on this subset; graded against every defect it is B, for relaying the RSA-key-exchange-only upstream.
    expect(card.grade).toBe('A')
  }, 120_000)

  it.skipIf(!hasMitmdump)(`mitmproxy --ssl-insecure masks an expired and a self-signed upstream: F${NO_MITMDUMP}`, async () => {
    const card = await gradeProduct({ product: mitmproxyProduct({ insecure: true }), defects: SUBSET, pki })
    expect(verdicts(card)).toEqual({ control: 'relayed', expired: 'masked', 'self-signed': 'masked', 'wrong-host': 'masked', 'sha1-signature': 'masked', 'tls10-only': 'blocked' })
    expect(card.grade).toBe('F')
    expect(card.decidedBy).toEqual(['defect:self-signed', 'defect:wrong-host', 'defect:expired'])
  }, 120_000)

  it.skipIf(!hasSquid)(`Squid SSL-Bump relays the control, blocks broken upstreams with its 503 page, and offers TLS 1.0 upstream: B${NO_SQUID}`, async () => {
    const card = await gradeProduct({ product: squidProduct(), defects: SUBSET, pki })
    expect(verdicts(card)).toEqual({ control: 'relayed', expired: 'blocked', 'self-signed': 'blocked', 'wrong-host': 'blocked', 'sha1-signature': 'blocked', 'tls10-only': 'blocked' })
    expect(card.defects.find((d) => d.defectId === 'expired')?.client.httpStatus).toBe(503)
    expect(card.checks.find((c) => c.id === 'hello:min-version')).toMatchObject({ result: 'fail', evidence: 'TLS 1.2 → TLS 1.0' })
    // Its forged leaf mimics the upstream's validity dates (Squid's "mimic" certificate generation).
    expect(card.checks.find((c) => c.id === 'forged-leaf')?.evidence).toContain('dates: copied')
    expect(card.grade).toBe('B')
  }, 120_000)

  it.skipIf(!hasSslsplit)(`SSLsplit masks expired, self-signed and wrong-host upstreams and completes TLS 1.0 upstream: F${NO_SSLSPLIT}`, async () => {
    const card = await gradeProduct({ product: sslsplitProduct(), defects: SUBSET, pki })
    expect(verdicts(card)).toEqual({ control: 'relayed', expired: 'masked', 'self-signed': 'masked', 'wrong-host': 'masked', 'sha1-signature': 'passed-through', 'tls10-only': 'masked' })
    // It forges with the upstream's SHA-1 hash, so the client's verifier sees the weak signature itself.
    expect(card.defects.find((d) => d.defectId === 'sha1-signature')?.client.verifier).toMatchObject({ step: 'ALG', code: 'WEAK_SIGNATURE_HASH' })
    expect(card.grade).toBe('F')
  }, 120_000)
})
