/**
 * OpenSSL reports a TLS alert received from the peer as an error code such as
 * ERR_SSL_TLSV1_ALERT_UNKNOWN_CA or ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE
 * (the name of the protocol version that introduced the alert, then the
 * RFC 8446 §6 alert name; OpenSSL 3.5 spells the SSLv3-era ones
 * ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE). This turns those into the alert name.
 */
export function alertFromError(error: unknown): string | null {
  const code = (error as { code?: unknown }).code
  const text = typeof code === 'string' ? code : (error as Error | undefined)?.message ?? ''
  const match = /(?:SSLV3|SSL\/TLS|TLSV1|TLSV13)_ALERT_([A-Z_]+)/.exec(text) ?? /alert ([a-z ]+)/i.exec(text)
  return match?.[1] === undefined ? null : match[1].toLowerCase().replace(/ /g, '_')
}

/** Alerts a client sends when it refuses the server's certificate (RFC 8446 §6.2). */
const CERTIFICATE_ALERTS = new Set([
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'unknown_ca',
  'access_denied',
  'decrypt_error',
  'bad_certificate_status_response',
])

export function isCertificateAlert(alert: string | null): boolean {
  return alert !== null && CERTIFICATE_ALERTS.has(alert)
}

/** A peer that vanished: expected on the internet, logged at info. */
export function isPeerHangUp(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED'
}
