import type { CertSummary } from '../verifier/types.js'
import { EKU_NAMES, EXTENSION_NAMES, SIGNATURE_ALGORITHM_NAMES } from './algorithm-names.js'
import { fingerprintSha256Hex, spkiSha256Base64 } from './fingerprints.js'
import { formatIpBytes } from './format-ip.js'
import { formatName } from './parse-name.js'
import { describePublicKey } from './parse-public-key.js'
import type { GeneralName, ParsedCertificate } from './types.js'

/** The display shape of a parsed certificate, shared by the store, the CLI and the dashboard. */
export function summarizeCertificate(cert: ParsedCertificate): CertSummary {
  return {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serialHex: cert.serialHex,
    version: cert.version,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sans: (cert.subjectAltNames ?? []).map(summarizeGeneralName),
    isCa: cert.basicConstraints === null ? null : cert.basicConstraints.isCa,
    pathLen: cert.basicConstraints?.pathLen ?? null,
    keyUsage: [...(cert.keyUsage ?? [])],
    extendedKeyUsage: (cert.extendedKeyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    publicKey: describePublicKey(cert.publicKey),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[cert.signatureAlgorithm.oid] ?? cert.signatureAlgorithm.oid,
    spkiSha256: spkiSha256Base64(cert.spkiDer),
    fingerprintSha256: fingerprintSha256Hex(cert.der),
    extensions: cert.extensions.map((e) => ({ oid: e.oid, name: EXTENSION_NAMES[e.oid] ?? e.oid, critical: e.critical })),
  }
}

function summarizeGeneralName(name: GeneralName): CertSummary['sans'][number] {
  switch (name.type) {
    case 'dns':
    case 'email':
    case 'uri':
      return { type: name.type, value: name.value }
    case 'ip':
      return { type: 'ip', value: formatIpBytes(name.bytes) }
    case 'dn':
      return { type: 'other', value: `DirName:${formatName(name.name)}` }
    case 'other':
      return { type: 'other', value: `[${name.tag}]` }
  }
}
