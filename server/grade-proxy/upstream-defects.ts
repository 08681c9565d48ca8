import { randomBytes } from 'node:crypto'
import { chainPem, generateKeyPair, issueCertificate, type IssuedCertificate, type LabPki } from '../../ca/index.js'
import { LabError } from '../errors.js'

/** Where every upstream lives: `<defect id>.upstream.lab` (inside the lab roots' `.lab` name constraint). */
export const UPSTREAM_DOMAIN = 'upstream.lab'
const DAY_MS = 24 * 3_600_000

/**
 * How a defect weighs in the grade (grade-rubric.ts has the rule):
 * - `control`: a valid upstream every product must relay;
 * - `validation`: a certificate a browser refuses (Durumeric et al. §5.2: masking one is grade F);
 * - `weak-crypto`: a certificate signed or keyed with broken crypto (MD5: F; SHA-1, RSA-1024: C);
 * - `revocation`: a revoked certificate; recorded, not graded (browsers soft-fail too, paper §5.2);
 * - `protocol`: a valid chain behind a weak TLS server (TLS 1.0: C, no forward secrecy: B).
 */
export type DefectClass = 'control' | 'validation' | 'weak-crypto' | 'revocation' | 'protocol'

export interface UpstreamDefect {
  id: string
  title: string
  defectClass: DefectClass
  /** What the defect is, and why a browser refuses it: shown in reports. */
  why: string
}

/** What the server for one defect serves. */
export interface DefectServerSpec {
  defect: UpstreamDefect
  host: string
  /** PEM: leaf first, then what the server sends after it. */
  certificateChainPem: string
  privateKeyPem: string
  /** The served chain in order, DER (evidence, and the forged-leaf comparison). */
  chainDer: Buffer[]
  tls: {
    minVersion?: 'TLSv1' | 'TLSv1.2'
    maxVersion?: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3'
    /** OpenSSL cipher string; `@SECLEVEL=0` where OpenSSL 3.5 refuses the weak key or signature otherwise. */
    ciphers?: string
  }
}

/** The revocation services the revoked defects point at (server/revocation/, started by the caller). */
export interface DefectRevocation {
  crlUrl: string
  ocspUrl: string
}

export const DEFECTS: readonly UpstreamDefect[] = [
  { id: 'control', title: 'valid chain (control)', defectClass: 'control', why: 'a valid chain from the public lab CA: must be relayed' },
  { id: 'self-signed', title: 'self-signed leaf', defectClass: 'validation', why: 'no path to any trust anchor (RFC 5280 §6.1)' },
  { id: 'untrusted-ca', title: 'leaf from an untrusted CA', defectClass: 'validation', why: 'issued by the attacker’s own root, which no store trusts' },
  { id: 'wrong-host', title: 'valid chain for another host', defectClass: 'validation', why: 'the leaf names other.upstream.lab (RFC 6125 §6)' },
  { id: 'expired', title: 'expired leaf', defectClass: 'validation', why: 'notAfter is yesterday (RFC 5280 §4.1.2.5)' },
  { id: 'not-yet-valid', title: 'not-yet-valid leaf', defectClass: 'validation', why: 'notBefore is tomorrow (RFC 5280 §4.1.2.5)' },
  { id: 'leaf-as-ca', title: 'leaf certificate used as a CA', defectClass: 'validation', why: 'the issuer has basicConstraints cA=FALSE (RFC 5280 §4.2.1.9; CVE-2002-0862)' },
  { id: 'v1-intermediate', title: 'X.509 v1 intermediate', defectClass: 'validation', why: 'a v1 certificate cannot be a CA (RFC 5280 §6.1.4 (k))' },
  { id: 'path-length', title: 'pathLenConstraint exceeded', defectClass: 'validation', why: 'a sub-CA below a pathLen:0 CA (RFC 5280 §4.2.1.9)' },
  { id: 'name-constraints', title: 'name constraints violated', defectClass: 'validation', why: 'the CA may only issue for example.lab (RFC 5280 §4.2.1.10)' },
  { id: 'revoked-crl', title: 'revoked (CRL)', defectClass: 'revocation', why: 'the serial is on the CA’s CRL (RFC 5280 §5)' },
  { id: 'revoked-ocsp', title: 'revoked (OCSP)', defectClass: 'revocation', why: 'the CA’s OCSP responder answers revoked (RFC 6960)' },
  { id: 'sha1-signature', title: 'SHA-1 signed leaf', defectClass: 'weak-crypto', why: 'SHA-1 collisions are practical (SHAttered 2017, chosen-prefix 2020); CA/B BR §7.1.3.2' },
  { id: 'md5-signature', title: 'MD5 signed leaf', defectClass: 'weak-crypto', why: 'MD5 collisions forged a CA in 2008 (Stevens et al.)' },
  { id: 'rsa-1024', title: 'RSA-1024 leaf key', defectClass: 'weak-crypto', why: 'below the 2048-bit minimum (CA/B BR §6.1.5, NIST SP 800-131A)' },
  { id: 'tls10-only', title: 'TLS 1.0-only server', defectClass: 'protocol', why: 'TLS 1.0 is deprecated (RFC 8996); browsers refuse it since 2020' },
  { id: 'no-forward-secrecy', title: 'RSA key exchange only (no forward secrecy)', defectClass: 'protocol', why: 'a stolen server key decrypts recorded traffic (RFC 7525 §3.3, RFC 9325 §4.1)' },
  { id: 'cbc-only', title: 'CBC suites only (TLS 1.2, ECDHE)', defectClass: 'protocol', why: 'no AEAD suite (RFC 9325 §4.2 recommends AEAD); browsers still accept it' },
]

/** What the lab cannot serve with Node 24's OpenSSL 3.5, said in reports instead of silently left out. */
export const UNSERVABLE_DEFECTS: readonly { id: string; reason: string }[] = [
  { id: '3des-only', reason: 'OpenSSL 3.5 (Node 24) and Debian’s OpenSSL 3.0 ship no DES-CBC3-SHA: `openssl ciphers DES-CBC3-SHA:@SECLEVEL=0` finds no cipher' },
  { id: 'rc4-only', reason: 'RC4 is not built into OpenSSL 3 (legacy provider only, not loadable for TLS)' },
  { id: 'export-suites', reason: 'export and single-DES suites were removed in OpenSSL 1.1.0' },
]

export function hostFor(defectId: string): string {
  return `${defectId}.${UPSTREAM_DOMAIN}`
}

/** A positive 16-byte serial, chosen here so the revocation server can list it before the certificate exists. */
export function newSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01
  return bytes.toString('hex')
}

export interface RevokedSerials {
  crl: string
  ocsp: string
}

/**
 * Builds every defect's chain from the lab PKI: the upstream trust anchor is
 * the lab's public root (`trustedRoot`), which the product under test is
 * configured to trust as a real product trusts the public roots — never the
 * product's own CA. `trustedIntermediate` has pathLen 0, so CA defects hang
 * their rogue CA under the root instead, leaving one defect per chain.
 */
export function buildDefectServers(pki: LabPki, revocation: DefectRevocation, serials: RevokedSerials, now: Date): DefectServerSpec[] {
  const issuer = pki.trustedIntermediate
  // One RSA-2048 key for every leaf and one for every rogue CA: each defect is in its certificate, not its key, and
  // generating 18 keys costs seconds of CPU on a shared machine. RSA, because the no-forward-secrecy and TLS 1.0
  // servers need RSA key transport (TLS_RSA_*), which an EC key cannot do.
  const leafKey = generateKeyPair({ type: 'rsa', bits: 2048 })
  const caKey = generateKeyPair({ type: 'rsa', bits: 2048 })
  const valid = { notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + 90 * DAY_MS) }
  const leafFor = (host: string, overrides: Partial<Parameters<typeof issueCertificate>[0]> = {}): IssuedCertificate =>
    issueCertificate({
      subject: { CN: host },
      issuer,
      ...valid,
      sans: [{ dns: host }],
      basicConstraints: { ca: false },
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth'],
      key: leafKey,
      ...overrides,
    })
  const caUnderRoot = (name: string, overrides: Partial<Parameters<typeof issueCertificate>[0]> = {}): IssuedCertificate =>
    issueCertificate({
      subject: { O: 'mitmlab upstream defects', CN: name },
      issuer: pki.trustedRoot,
      ...valid,
      basicConstraints: { ca: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      key: caKey,
      ...overrides,
    })
  const spec = (defect: UpstreamDefect, chain: IssuedCertificate[], tls: DefectServerSpec['tls'] = {}): DefectServerSpec => {
    const [leaf] = chain
    if (leaf === undefined) throw new LabError('INTERNAL', `defect ${defect.id} has an empty chain`)
    return {
      defect,
      host: hostFor(defect.id),
      certificateChainPem: chainPem(...chain),
      privateKeyPem: leaf.key.privateKeyPem,
      chainDer: chain.map((cert) => cert.der),
      tls,
    }
  }
  // Weak keys and signatures: OpenSSL 3.5 refuses to load them at its default security level 1-2.
  const weak = { ciphers: 'DEFAULT:@SECLEVEL=0' }

  return DEFECTS.map((defect) => {
    const host = hostFor(defect.id)
    switch (defect.id) {
      case 'control':
        return spec(defect, [leafFor(host), issuer])
      case 'self-signed':
        return spec(defect, [issueCertificate({ subject: { CN: host }, key: leafKey, ...valid, sans: [{ dns: host }], basicConstraints: { ca: false } })])
      case 'untrusted-ca':
        return spec(defect, [leafFor(host, { issuer: pki.attackerCa }), pki.attackerCa])
      case 'wrong-host':
        return spec(defect, [leafFor(hostFor('other')), issuer])
      case 'expired':
        return spec(defect, [leafFor(host, { notBefore: new Date(now.getTime() - 91 * DAY_MS), notAfter: new Date(now.getTime() - DAY_MS) }), issuer])
      case 'not-yet-valid':
        return spec(defect, [leafFor(host, { notBefore: new Date(now.getTime() + DAY_MS), notAfter: new Date(now.getTime() + 91 * DAY_MS) }), issuer])
      case 'leaf-as-ca': {
        const notCa = issueCertificate({
          subject: { O: 'mitmlab upstream defects', CN: 'leaf.upstream.lab' },
          issuer: pki.trustedRoot,
          key: caKey,
          ...valid,
          sans: [{ dns: 'leaf.upstream.lab' }],
          basicConstraints: { ca: false },
          keyUsage: ['digitalSignature', 'keyEncipherment'],
          extendedKeyUsage: ['serverAuth'],
        })
        return spec(defect, [leafFor(host, { issuer: notCa }), notCa])
      }
      case 'v1-intermediate': {
        const v1 = caUnderRoot('mitmlab v1 CA', { version: 1 })
        return spec(defect, [leafFor(host, { issuer: v1 }), v1])
      }
      case 'path-length': {
        const subCa = issueCertificate({
          subject: { O: 'Mis-issued Ltd', CN: 'Rogue Sub CA' },
          issuer,
          key: caKey,
          ...valid,
          basicConstraints: { ca: true },
          keyUsage: ['keyCertSign', 'cRLSign'],
        })
        return spec(defect, [leafFor(host, { issuer: subCa }), subCa, issuer])
      }
      case 'name-constraints': {
        const constrained = caUnderRoot('mitmlab example.lab CA', { nameConstraints: { permitted: [{ dns: 'example.lab' }] } })
        return spec(defect, [leafFor(host, { issuer: constrained }), constrained])
      }
      case 'revoked-crl':
        return spec(defect, [leafFor(host, { serialNumber: serials.crl, crlUrl: revocation.crlUrl }), issuer])
      case 'revoked-ocsp':
        return spec(defect, [leafFor(host, { serialNumber: serials.ocsp, ocspUrl: revocation.ocspUrl }), issuer])
      case 'sha1-signature':
        return spec(defect, [leafFor(host, { signatureHash: 'sha1' }), issuer], weak)
      case 'md5-signature':
        return spec(defect, [leafFor(host, { signatureHash: 'md5' }), issuer], weak)
      case 'rsa-1024':
        return spec(defect, [leafFor(host, { key: generateKeyPair({ type: 'rsa', bits: 1024 }) }), issuer], weak)
      case 'tls10-only':
        // TLS 1.0 has no SHA-256 PRF signature support at level 1+: OpenSSL 3.5 needs SECLEVEL=0 to speak it.
        return spec(defect, [leafFor(host), issuer], { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0' })
      case 'no-forward-secrecy':
        return spec(defect, [leafFor(host), issuer], { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA' })
      case 'cbc-only':
        return spec(defect, [leafFor(host), issuer], { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256' })
      default:
        throw new LabError('INTERNAL', `no chain for defect ${defect.id}`)
    }
  })
}
