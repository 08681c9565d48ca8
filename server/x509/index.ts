/** X.509 parsing: DER in, plain values out; malformed input is a value, never an exception. */
export { parseCertificate } from './parse-certificate.js'
export { summarizeCertificate } from './summarize-certificate.js'
export { spkiSha256Base64, fingerprintSha256Hex } from './fingerprints.js'
export { formatName } from './parse-name.js'
export { formatIpBytes } from './format-ip.js'
export { parseCrl, type ParsedCrl } from './parse-crl.js'
export type { ParsedCertificate, GeneralName, PublicKeyInfo, ParseResult, DistinguishedName } from './types.js'
