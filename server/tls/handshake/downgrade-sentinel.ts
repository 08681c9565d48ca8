/**
 * The TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3): a TLS 1.3 server that
 * negotiates TLS 1.2 sets the last 8 bytes of ServerHello.random to
 * 44 4F 57 4E 47 52 44 01 ("DOWNGRD\x01"), and 44 4F 57 4E 47 52 44 00 for
 * TLS 1.1 or below. Because ServerHello.random is covered by the signature
 * on the key exchange, a proxy cannot erase it.
 */
export const DOWNGRADE_TLS12 = Buffer.from('444f574e47524401', 'hex')
export const DOWNGRADE_TLS11 = Buffer.from('444f574e47524400', 'hex')

const TLS13 = 0x0304
const TLS12 = 0x0303

export interface SentinelCheck {
  /** True when this client must abort (illegal_parameter). */
  downgradeDetected: boolean
  /** Which sentinel the random carries, if any. */
  sentinel: 'TLS12' | 'TLS11_OR_BELOW' | 'none'
}

/**
 * The client-side rule: a TLS 1.3 client that negotiated TLS 1.2 or below
 * MUST abort on either sentinel; a TLS 1.2 client that negotiated TLS 1.1 or
 * below SHOULD abort on the TLS 1.1 one. Versions are wire values (0x0303).
 */
export function checkDowngradeSentinel(
  serverHelloRandom: Uint8Array,
  negotiatedVersion: number,
  clientMaxVersion: number,
): SentinelCheck {
  // ServerHello.random is exactly 32 bytes (RFC 8446 §4.1.3); the sentinel is its last 8.
  if (serverHelloRandom.length !== 32) return { downgradeDetected: false, sentinel: 'none' }
  const tail = Buffer.from(serverHelloRandom).subarray(24)
  const sentinel = tail.equals(DOWNGRADE_TLS12) ? 'TLS12' : tail.equals(DOWNGRADE_TLS11) ? 'TLS11_OR_BELOW' : 'none'
  if (sentinel === 'none') return { downgradeDetected: false, sentinel: 'none' }
  const detected =
    (clientMaxVersion >= TLS13 && negotiatedVersion <= TLS12) ||
    (clientMaxVersion === TLS12 && negotiatedVersion < TLS12 && sentinel === 'TLS11_OR_BELOW')
  return { downgradeDetected: detected, sentinel }
}
