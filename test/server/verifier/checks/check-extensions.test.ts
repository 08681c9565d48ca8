import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { issueCertificate, keyIdentifier } from '../../../../ca/index.js'
import { ecKey, makeIntermediate, makeLeaf, makeRoot, NOW, stepOf, verifyChain } from '../support/make-chain.js'
import { STEP_TITLES } from '../../../../server/steps/step-ids.js'

const NULL_DER = Buffer.from([0x05, 0x00])

describe('checkExtensions', () => {
  it('fails UNKNOWN_CRITICAL_EXTENSION for a leaf with an unknown critical extension, caught by CRIT', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { extra: [{ oid: '1.3.6.1.4.1.55555.1', critical: true, valueDer: NULL_DER }] })
    const report = verifyChain([leaf], [root])
    expect(report).toMatchObject({ catchingStep: 'CRIT', code: 'UNKNOWN_CRITICAL_EXTENSION' })
    expect(stepOf(report, 'CRIT').detail).toEqual({ subject: 'CN=bank.lab', oid: '1.3.6.1.4.1.55555.1' })
  })

  it('ignores an unknown non-critical extension', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { extra: [{ oid: '1.3.6.1.4.1.55555.1', critical: false, valueDer: NULL_DER }] })
    expect(verifyChain([leaf], [root]).verdict).toBe('accept')
  })

  it('fails UNKNOWN_CRITICAL_EXTENSION on an intermediate too', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { extra: [{ oid: '1.3.6.1.4.1.55555.2', critical: true, valueDer: NULL_DER }] })
    expect(verifyChain([makeLeaf(intermediate), intermediate], [root]).code).toBe('UNKNOWN_CRITICAL_EXTENSION')
  })

  it('fails DUPLICATE_EXTENSION when an extension appears twice', () => {
    const root = makeRoot()
    const eku = Buffer.from('300a06082b06010505070301', 'hex')
    const leaf = makeLeaf(root, { extra: [{ oid: '2.5.29.37', critical: false, valueDer: eku }] })
    expect(stepOf(verifyChain([leaf], [root]), 'CRIT').code).toBe('DUPLICATE_EXTENSION')
  })

  it('fails EXTENSION_MALFORMED for an undecodable known extension', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { sans: [], extra: [{ oid: '2.5.29.17', critical: false, valueDer: Buffer.from([0x30, 0x00]) }] })
    expect(stepOf(verifyChain([leaf], [root]), 'CRIT').code).toBe('EXTENSION_MALFORMED')
  })

  it('fails UNSUPPORTED_VERSION for a v1 leaf', () => {
    const root = makeRoot()
    expect(stepOf(verifyChain([makeLeaf(root, { version: 1 })], [root]), 'CRIT').code).toBe('UNSUPPORTED_VERSION')
  })
})

describe('checkExtensions: a critical extKeyUsage on a subscriber certificate (CA/B BR §7.1.2.7.10)', () => {
  // SEQUENCE { id-kp-serverAuth }, written as a raw extension so it can be marked critical.
  const serverAuthEku = Buffer.from('300a06082b06010505070301', 'hex')

  it('fails EXTENSION_CRITICALITY_INVALID under webpki, and is allowed under rfc5280', () => {
    const root = makeRoot()
    // makeLeaf without its own (non-critical) extKeyUsage, which would make this one a duplicate.
    const leaf = issueCertificate({
      subject: { CN: 'bank.lab' },
      issuer: root,
      key: ecKey(),
      sans: [{ dns: 'bank.lab' }],
      keyUsage: ['digitalSignature'],
      notBefore: new Date(NOW.getTime() - 86_400_000),
      notAfter: new Date(NOW.getTime() + 30 * 86_400_000),
      extra: [{ oid: '2.5.29.37', critical: true, valueDer: serverAuthEku }],
    })
    expect(stepOf(verifyChain([leaf], [root]), 'CRIT')).toMatchObject({ code: 'EXTENSION_CRITICALITY_INVALID', detail: { name: 'extKeyUsage', critical: true } })
    expect(stepOf(verifyChain([leaf], [root], { profile: 'rfc5280' }), 'CRIT').status).toBe('pass')
  })
})

describe('checkExtensions serial numbers (RFC 5280 §4.1.2.2)', () => {
  it.each([
    ['zero', '00', 'zero'],
    ['negative', 'ff01', 'negative'],
    ['longer than 20 octets', '01'.repeat(21), '21 octets, more than 20'],
  ])('fails INVALID_SERIAL_NUMBER for a %s serial', (_what, serialNumber, reason) => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { serialNumber })], [root])
    expect(stepOf(report, 'CRIT')).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', detail: { reason } })
  })

  it('checks the serial of an intermediate too, and not of the trust anchor', () => {
    const root = makeRoot({ serialNumber: '00' })
    const intermediate = makeIntermediate(root, { serialNumber: '00' })
    expect(stepOf(verifyChain([makeLeaf(intermediate), intermediate], [root]), 'CRIT')).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', detail: { reason: 'zero' } })
    expect(stepOf(verifyChain([makeLeaf(root)], [root]), 'CRIT').status).toBe('pass')
  })

  it('accepts a 20-octet serial', () => {
    const root = makeRoot()
    expect(verifyChain([makeLeaf(root, { serialNumber: '7f'.repeat(20) })], [root]).verdict).toBe('accept')
  })

  it('does not count the 0x00 that keeps a 20-octet serial with its top bit set positive', () => {
    const root = makeRoot()
    expect(verifyChain([makeLeaf(root, { serialNumber: `00${'80'.repeat(20)}` })], [root]).verdict).toBe('accept')
  })
})

// Issue 17 item 4: a zero serial was reported under a step titled "No unknown critical extension".
// The certificate-format step is where field well-formedness lives; its title and its sentences say so.
describe('the certificate-format step (CRIT) says it covers fields, not only extensions', () => {
  it('reports a zero serial under a step whose title names the serial number, and says why', () => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { serialNumber: '00' })], [root])
    expect(report).toMatchObject({ catchingStep: 'CRIT', code: 'INVALID_SERIAL_NUMBER' })
    expect(STEP_TITLES.CRIT).toBe(
      'Certificate format (RFC 5280 §4.1, §4.2): version, serial number, names and extensions well-formed, no unknown critical extension',
    )
    expect(stepOf(report, 'CRIT').message).toBe('"CN=bank.lab" has an invalid serial number (zero)')
  })

  it('says every field and extension is well-formed when it passes', () => {
    const root = makeRoot()
    expect(stepOf(verifyChain([makeLeaf(root)], [root]), 'CRIT')).toMatchObject({
      status: 'pass',
      message: 'Every certificate field and extension is well-formed, and every critical extension is understood',
    })
  })

  // CA/B Forum BR §7.1.2.1.3: a root's authorityKeyIdentifier, if present, holds only a keyIdentifier equal to its SKI.
  describe("a root's authorityKeyIdentifier", () => {
    /** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OCTET STRING } (RFC 5280 §4.2.1.1), 20 bytes. */
    const akiOf = (keyId: Buffer): Buffer => Buffer.concat([Buffer.from([0x30, 0x16, 0x80, 0x14]), keyId])
    const rootWithAki = (pick: (ownKeyId: Buffer) => Buffer) => {
      const key = ecKey()
      return makeRoot({ key, extra: [{ oid: '2.5.29.35', critical: false, valueDer: akiOf(pick(keyIdentifier(key.spkiDer))) }] })
    }

    it('refuses, in the Web PKI profile, a root whose AKI names another key', () => {
      const root = rootWithAki(() => Buffer.alloc(20, 0xab))
      const report = verifyChain([makeLeaf(root)], [root])
      expect(report).toMatchObject({ verdict: 'reject', code: 'EXTENSION_MALFORMED' })
      expect(report.steps.find((step) => step.code === 'EXTENSION_MALFORMED')?.detail).toEqual({ subject: 'O=mitmlab test, CN=Test Root', name: 'authorityKeyIdentifier of a root', reason: 'CA/B BR §7.1.2.1.3' })
    })

    it('accepts a root whose AKI equals its own SKI, and any root AKI under RFC 5280', () => {
      const matching = rootWithAki((own) => own)
      expect(verifyChain([makeLeaf(matching)], [matching]).verdict).toBe('accept')
      const other = rootWithAki(() => Buffer.alloc(20, 0xab))
      expect(verifyChain([makeLeaf(other)], [other], { profile: 'rfc5280' }).verdict).toBe('accept')
    })
  })

  // RFC 5280 §4.2.1.2: a CA certificate MUST carry a subjectKeyIdentifier. The lab CA always writes one,
  // so this intermediate is made by OpenSSL (`subjectKeyIdentifier = none`), signed by a lab root.
  it('fails REQUIRED_EXTENSION_MISSING for an intermediate CA without a subjectKeyIdentifier', () => {
    const now = new Date()
    const dates = { notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 30 * 86_400_000) }
    const root = makeRoot(dates)
    const key = ecKey()
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-no-ski-'))
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text, { mode: 0o600 })
      return join(dir, name)
    }
    const extensions = file('ext.cnf', 'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = none\nauthorityKeyIdentifier = keyid\n')
    const csr = execFileSync('openssl', ['req', '-new', '-key', file('int.key', key.privateKeyPem), '-subj', '/O=mitmlab test/CN=Test Intermediate'])
    const der = execFileSync('openssl', ['x509', '-req', '-CA', file('root.pem', root.pem), '-CAkey', file('root.key', root.key.privateKeyPem), '-set_serial', '7', '-days', '2', '-sha256', '-extfile', extensions, '-outform', 'DER'], { input: csr })
    const intermediate = { ...makeIntermediate(root, { key, ...dates }), der, pem: '' }
    const report = verifyChain([makeLeaf(intermediate, dates), intermediate], [root], { now })
    const failing = report.steps.find((step) => step.code === 'REQUIRED_EXTENSION_MISSING')
    expect(failing?.detail).toEqual({ subject: 'O=mitmlab test, CN=Test Intermediate', name: 'subjectKeyIdentifier' })
    expect(report.verdict).toBe('reject')
  })
})
