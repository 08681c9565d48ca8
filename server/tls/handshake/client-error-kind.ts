/**
 * Sorts a Node/OpenSSL client error into what the handshake steps need.
 * Node names a received alert ERR_SSL_<SSLV3|SSL/TLS|TLSV1|TLSV13>_ALERT_<NAME>
 * (the peer detected the problem); other ERR_SSL_ codes are the client's own
 * finding. OpenSSL 3.5 renamed the SSLv3-era reasons "sslv3 alert …" to
 * "ssl/tls alert …" (ssl/ssl_err.c), hence ERR_SSL_SSL/TLS_ALERT_BAD_RECORD_MAC on
 * Node 24 where Node 20 said ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC; both are read.
 * Observed with Node 20 / OpenSSL 3.0 and Node 24 / OpenSSL 3.5 in test/server/tls/tamper.
 */
export interface ClientErrorLike {
  code?: string | undefined
  message: string
}

export type ErrorKind = 'signature' | 'record-mac' | 'finished' | 'downgrade' | 'state-machine' | 'other'

export interface ClassifiedError {
  kind: ErrorKind
  /** 'client' when the client's own check failed, 'peer' when it received the peer's alert. */
  detectedBy: 'client' | 'peer'
  /** RFC 8446 §6 alert name received, when it was an alert. */
  alert: string | undefined
  code: string | undefined
}

const ALERT = /(?:SSLV3|SSL\/TLS|TLSV1|TLSV13)_ALERT_([A-Z_]+)/

/**
 * Node surfaces only the first OpenSSL error. For a handshake signature made
 * with another RSA key that is the RSA layer's own check, and which one fails
 * depends on the random signature value: too large for the genuine modulus,
 * or the PSS / PKCS#1 v1.5 encoding checks (crypto/rsa/rsa_pss.c, rsa_pk1.c).
 */
export const RSA_SIGNATURE_FAILURE_CODES: readonly string[] = [
  'ERR_SSL_DATA_TOO_LARGE_FOR_MODULUS',
  'ERR_SSL_FIRST_OCTET_INVALID',
  'ERR_SSL_LAST_OCTET_INVALID',
  'ERR_SSL_INVALID_PADDING',
  'ERR_SSL_BLOCK_TYPE_IS_NOT_01',
  'ERR_SSL_PADDING_CHECK_FAILED',
  'ERR_SSL_WRONG_SIGNATURE_LENGTH',
  'ERR_SSL_BAD_PAD_BYTE_COUNT',
  'ERR_SSL_SLEN_CHECK_FAILED',
  'ERR_SSL_SLEN_RECOVERY_FAILED',
]

const LOCAL_KINDS: Readonly<Record<string, ErrorKind>> = {
  ERR_SSL_BAD_SIGNATURE: 'signature',
  ...Object.fromEntries(RSA_SIGNATURE_FAILURE_CODES.map((code) => [code, 'signature' as const])),
  ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC: 'record-mac',
  ERR_SSL_BAD_RECORD_MAC: 'record-mac',
  // OpenSSL 3's GCM provider reports a failed TLS 1.2 tag check under this code.
  ERR_SSL_CIPHER_OPERATION_FAILED: 'record-mac',
  ERR_SSL_DIGEST_CHECK_FAILED: 'finished',
  ERR_SSL_INAPPROPRIATE_FALLBACK: 'downgrade',
  // A record or message the handshake state machine does not allow here (early CCS, heartbeat).
  ERR_SSL_UNEXPECTED_MESSAGE: 'state-machine',
  ERR_SSL_UNEXPECTED_RECORD: 'state-machine',
  ERR_SSL_BAD_RECORD_TYPE: 'state-machine',
  ERR_SSL_CCS_RECEIVED_EARLY: 'state-machine',
}

const ALERT_KINDS: Readonly<Record<string, ErrorKind>> = {
  bad_record_mac: 'record-mac',
  // decrypt_error: "a handshake cryptographic operation failed, including being unable to
  // correctly verify a signature or validate a Finished message" (RFC 8446 §6.2).
  decrypt_error: 'finished',
  inappropriate_fallback: 'downgrade',
  unexpected_message: 'state-machine',
}

export function classifyClientError(error: ClientErrorLike): ClassifiedError {
  const code = error.code
  const match = ALERT.exec(code ?? '')
  if (match?.[1]) {
    const alert = match[1].toLowerCase()
    return { kind: ALERT_KINDS[alert] ?? 'other', detectedBy: 'peer', alert, code }
  }
  const kind = (code ? LOCAL_KINDS[code] : undefined) ?? (/bad signature|rsa routines|ecdsa routines/i.test(error.message) ? 'signature' : 'other')
  return { kind, detectedBy: 'client', alert: undefined, code }
}
