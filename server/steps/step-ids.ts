/**
 * The verification steps the lab reports, in the order a client meets them.
 * The vocabulary is the dashboard's and the scenario catalog's
 * (shared/design/scenarios.md): one id per thing a client checks.
 */
export const STEP_IDS = [
  'PROTO',
  'TRUST',
  'SIG',
  'DATES',
  'HOST',
  'BC',
  'PATHLEN',
  'KU',
  'EKU',
  'NC',
  'ALG',
  'CRIT',
  'REV',
  'PIN',
  'CT',
  'HS',
  'FIN',
  'REC',
  'HSTS',
  'FP',
] as const

export type StepId = (typeof STEP_IDS)[number]

/** One line per step, for tables, tooltips and the trainee view. */
export const STEP_TITLES = {
  PROTO: 'Protocol version and cipher policy (incl. the TLS 1.3 downgrade sentinel)',
  TRUST: 'Chains to a trusted anchor',
  SIG: 'Every signature on the path verifies',
  DATES: 'Every certificate is within its validity period',
  HOST: 'The certificate names the host (RFC 6125, SAN only)',
  BC: 'Basic constraints: only CAs issue, leaves are not CAs',
  PATHLEN: 'Path length constraints',
  KU: 'Key usage permits the role',
  EKU: 'Extended key usage includes serverAuth (leaf and CAs)',
  NC: 'Name constraints of every CA on the path',
  ALG: 'Signature algorithm and key strength policy',
  // The id is historical: CRIT checks each certificate's RFC 5280 format (§4.1 fields and §4.2
  // extensions), of which an unknown critical extension is only the best-known failure (issue 17 item 4).
  CRIT: 'Certificate format (RFC 5280 §4.1, §4.2): version, serial number, names and extensions well-formed, no unknown critical extension',
  REV: 'Revocation (CRL, OCSP, stapling)',
  PIN: 'SPKI pin',
  CT: 'Certificate Transparency SCT policy',
  HS: 'Handshake signature: the server proves it holds the key',
  FIN: 'Finished: handshake transcript integrity',
  REC: 'Record protection (AEAD tag, MAC, sequence)',
  HSTS: 'HSTS / HTTPS-only policy',
  FP: 'Server-side interception fingerprint',
} as const satisfies Record<StepId, string>

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value)
}
