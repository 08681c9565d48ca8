import type { SecureContextOptions } from 'node:tls'
import { formatName, generateKeyPair, LeafCache, type IssuedCertificate, type KeySpec, type LeafCacheStats } from '../../ca/index.js'
import type { ServedCertificate } from './proxy-types.js'
import { SecureContextPool } from './secure-context-pool.js'

export interface ForgedCertificatesParams {
  /** The interception CA the victim installed. */
  ca: IssuedCertificate
  /** Leaf key type, shared by every forged leaf. Default: EC P-256. */
  keySpec?: KeySpec
  /** LRU bound on hosts kept with their ready TLS context. Default: 1000. */
  maxHosts?: number
  /** Used when the client sends no SNI (RFC 6066 §3 makes it optional). */
  defaultHost: string
  /** Client-facing TLS policy of the forged contexts. */
  tls?: Pick<SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers' | 'honorCipherOrder' | 'ecdhCurve' | 'sigalgs'>
}

export interface ForgedCertificates {
  /** Pass as `certificateFor` to startInterceptingProxy. Throws CaError for a name it cannot forge. */
  certificateFor: (sni: string | null) => ServedCertificate
  stats: () => LeafCacheStats
}

/**
 * Forges a leaf per SNI under the interception CA, as mitmproxy does, and keeps
 * the ready TLS context per host in a bounded LRU: a repeat host costs a Map
 * lookup, a new host one signature plus one certificate parse.
 */
export function createForgedCertificates(params: ForgedCertificatesParams): ForgedCertificates {
  const caSubject = formatName(params.ca.subject)
  const key = generateKeyPair(params.keySpec ?? { type: 'ec', curve: 'P-256' })
  // Built now, so the first forged host does not pay for parsing the key and the CA.
  const pool = new SecureContextPool({ ...params.tls, key: key.privateKeyPem, caPem: params.ca.pem })
  const cache = new LeafCache<ServedCertificate>({
    issuer: params.ca,
    key,
    ...(params.maxHosts === undefined ? {} : { maxHosts: params.maxHosts }),
    build: (leaf) => ({
      secureContext: pool.contextFor(leaf.pem),
      chainDer: [leaf.der, params.ca.der],
      chainSubjects: [
        { subject: formatName(leaf.subject), issuer: caSubject },
        { subject: caSubject, issuer: caSubject },
      ],
    }),
  })
  return {
    certificateFor: (sni) => cache.get(sni ?? params.defaultHost),
    stats: () => cache.stats(),
  }
}
