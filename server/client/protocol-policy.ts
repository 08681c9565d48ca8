import type { SecureVersion } from 'node:tls'
import { failStep, passStep, type StepResult } from '../steps/step-result.js'
import { isQuantumResistant, keyExchangeKind } from '../tls/key-exchange-group.js'

const VERSION_RANK: Record<string, number> = { SSLv3: 0, TLSv1: 1, 'TLSv1.1': 2, 'TLSv1.2': 3, 'TLSv1.3': 4 }

/** A client's protocol policy: what the PROTO step enforces. */
export interface ProtocolPolicy {
  /** Default: TLSv1.2 (RFC 8996 deprecates TLS 1.0 and 1.1). */
  minVersion: SecureVersion
  /** Require AEAD and forward secrecy, as RFC 9325 §4.2 recommends. Default: true. */
  requireModernCipher: boolean
  /**
   * Require a post-quantum key exchange (a hybrid such as X25519MLKEM768, or pure ML-KEM), the
   * policy a client adopts against "harvest now, decrypt later". Default: false, as in every
   * browser today: they offer the hybrid first but still accept a classical server.
   */
  requireHybridKeyExchange?: boolean
}

export const DEFAULT_PROTOCOL_POLICY: ProtocolPolicy = { minVersion: 'TLSv1.2', requireModernCipher: true }

/**
 * PROTO for a completed handshake: version at or above the minimum, and a
 * cipher suite with AEAD and ephemeral key exchange (all TLS 1.3 suites have both).
 */
export function checkNegotiatedProtocol(
  policy: ProtocolPolicy,
  version: string,
  cipherStandardName: string,
  /** The negotiated key-exchange group (IANA name), or null when there was none or it is unknown. */
  group: string | null = null,
): StepResult {
  // RFC 8996 §2-3: TLS 1.0 and 1.1 MUST NOT be negotiated.
  if ((VERSION_RANK[version] ?? -1) < (VERSION_RANK[policy.minVersion] ?? 3)) {
    return failStep('PROTO', 'PROTOCOL_VERSION_TOO_OLD', `The server negotiated ${version}, below this client's minimum ${policy.minVersion}`, {
      negotiated: version,
      minimum: policy.minVersion,
    })
  }
  // RFC 9325 §4.2: AEAD suites with (EC)DHE only.
  const isTls13 = version === 'TLSv1.3'
  const isModern = isTls13 || (/_(EC)?DHE_/.test(cipherStandardName) && /_GCM_|_CHACHA20_POLY1305|_CCM/.test(cipherStandardName))
  if (policy.requireModernCipher && !isModern) {
    return failStep('PROTO', 'WEAK_CIPHER_SUITE', `The server chose ${cipherStandardName}, which lacks AEAD or forward secrecy`, {
      cipher: cipherStandardName,
    })
  }
  if (policy.requireHybridKeyExchange === true && !isQuantumResistant(group)) {
    return failStep(
      'PROTO',
      'CLASSICAL_KEY_EXCHANGE',
      `The key exchange used ${group ?? 'no named group'}, a classical group: this client requires a post-quantum hybrid such as X25519MLKEM768`,
      { version, cipher: cipherStandardName, group },
    )
  }
  const exchange = group === null ? '' : `, key exchange ${group} (${keyExchangeKind(group)})`
  return passStep('PROTO', `${version} with ${cipherStandardName}${exchange}`, { version, cipher: cipherStandardName, group })
}

/** PROTO for a handshake that failed because the two sides share no acceptable version or cipher. */
export function checkFailedNegotiation(policy: ProtocolPolicy, errorCode: string, message: string): StepResult | null {
  if (/UNSUPPORTED_PROTOCOL|PROTOCOL_VERSION|WRONG_VERSION|VERSION_TOO_LOW|TLSV1_ALERT_PROTOCOL_VERSION/.test(errorCode)) {
    return failStep('PROTO', 'PROTOCOL_VERSION_TOO_OLD', `The server offered no protocol version at or above ${policy.minVersion}`, {
      error: errorCode,
      minimum: policy.minVersion,
    })
  }
  if (/NO_SHARED_CIPHER|NO_CIPHERS|HANDSHAKE_FAILURE|INSUFFICIENT_SECURITY/.test(errorCode)) {
    return failStep('PROTO', 'WEAK_CIPHER_SUITE', `The server offered no cipher suite this client accepts (${message})`, {
      error: errorCode,
    })
  }
  return null
}
