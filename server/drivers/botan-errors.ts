import type { ErrorTable } from './error-table.js'

/**
 * Botan's words (2.19): the driver's raw error is either the path
 * validation's overall status as tls_client prints it, `Certificate
 * validation status: <Certificate_Status_Code's to_string>`
 * (src/lib/x509/cert_status.cpp), or the CLI's `Error: <exception>` line from
 * the TLS layer. One status names one cause, so the rows follow the codes.
 * “Certificate does not allow the requested usage” (INVALID_USAGE) is one
 * code for the leaf's keyUsage and its extKeyUsage alike: ambiguous, unmapped.
 * Also unmapped: `Alert: handshake_failure` (the server found nothing in
 * common: names no cause) and `Invalid GeneralizedTime string` (Botan 2.19
 * failing to parse the stapled OCSP response's time: a Botan parsing limit,
 * not a revocation verdict).
 */
export const BOTAN_ERROR_TABLE: ErrorTable = [
  { pattern: /status: Certificate does not match provided name/, step: 'HOST' },
  { pattern: /status: (Certificate has expired|Certificate is not yet valid)/, step: 'DATES' },
  {
    pattern: /status: (Certificate issuer not found|Cannot establish trust|Certificate chain does not end in a CA certificate|Certificate issuer does not match subject of issuing cert)/,
    step: 'TRUST',
  },
  { pattern: /status: Signature error/, step: 'SIG' },
  {
    pattern: /status: (Signature method too weak|Hash function used is considered too weak for security|Certificate signed with unknown\/unavailable algorithm|Certificate signature has invalid parameters)/,
    step: 'ALG',
  },
  { pattern: /status: CA certificate not allowed to issue certs/, step: 'BC' },
  { pattern: /status: Certificate chain too long/, step: 'PATHLEN' },
  { pattern: /status: Certificate does not pass name constraint/, step: 'NC' },
  { pattern: /status: (Unknown critical extension encountered|Duplicate certificate extension encountered)/, step: 'CRIT' },
  { pattern: /status: Certificate is revoked/, step: 'REV' },
  // The TLS layer: the CLI's `Error: <exception>` line, or `Alert: <name>` for an alert it received.
  { pattern: /Error: .*(Message authentication failure|bad_record_mac|Bad record MAC)/i, step: 'REC' },
  { pattern: /Error: .*(signature.*(invalid|failed)|Bad signature)/i, step: 'HS' },
  // A ChangeCipherSpec before the certificate (RFC 5246 §7.1, the CCS injection), a record type never
  // negotiated (24, heartbeat, RFC 6520), a ServerHello extension it did not offer (RFC 8446 §4.2).
  {
    pattern: /Error: (Unexpected state transition in handshake got a change_cipher_spec|Unexpected record type \d+ from counterparty|Server replied with unsupported extensions)/,
    step: 'HS',
  },
  // The server's protocol_version alert (RFC 8446 §6.2): no version both accept.
  { pattern: /Alert: protocol_version|Error: .*(protocol version|Server replied with (unsupported|a later) version|downgrade)/i, step: 'PROTO' },
  { pattern: /Error: .*Finished message didn't verify/i, step: 'FIN' },
]
