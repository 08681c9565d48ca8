import type { SecureContextOptions } from 'node:tls'
import {
  formatName,
  generateKeyPair,
  issueCertificate,
  LeafCache,
  type IssuedCertificate,
  type KeyPair,
  type KeySpec,
  type LeafCacheStats,
} from '../../ca/index.js'
import type { ServedCertificate } from './proxy-types.js'
import { SecureContextPool } from './secure-context-pool.js'

export interface ForgedCertificatesParams {
  /** The interception CA the victim installed. */
  ca: IssuedCertificate
  /** Leaf key type, shared by every forged leaf. Default: EC P-256. */
  keySpec?: KeySpec
  /** LRU bound on hosts kept with their ready TLS context. Default: 1000. */
  maxHosts?: number
  /**
   * Sign leaves with an EC P-256 issuing CA made at start under `ca` (as TLS
   * inspection appliances do), instead of with `ca` itself. An RSA-2048 `ca`
   * costs ~0.45 ms per leaf signature; P-256 ~0.05 ms. Default: true.
   */
  issuingIntermediate?: boolean
  /** Used when the client sends no SNI (RFC 6066 §3 makes it optional). */
  defaultHost: string
  /** Client-facing TLS policy of the forged contexts. */
  tls?: Pick<
    SecureContextOptions,
    'minVersion' | 'maxVersion' | 'ciphers' | 'honorCipherOrder' | 'ecdhCurve' | 'sigalgs'
  >
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
  const key = generateKeyPair(params.keySpec ?? { type: 'ec', curve: 'P-256' })
  const issuers = params.issuingIntermediate === false ? [params.ca] : [issuingCa(params.ca), params.ca]
  const [issuer = params.ca] = issuers
  // Sent after each leaf: the issuing CA, not the installed CA itself (RFC 8446 §4.4.2: a trust anchor
  // may be omitted, and a client that trusts this proxy has it).
  const chain = issuers.filter((cert) => cert !== params.ca)
  const chainNames = chain.map((cert) => ({
    subject: formatName(cert.subject),
    issuer: formatName(params.ca.subject),
  }))
  // Built now, so the first forged host does not pay for parsing the key and the chain.
  const pool = new SecureContextPool({
    ...params.tls,
    key: key.privateKeyPem,
    chainPems: chain.map((cert) => cert.pem),
    placeholderLeafPem: placeholderLeaf(issuer, key).pem,
  })
  const cache = new LeafCache<ServedCertificate>({
    issuer,
    key,
    ...(params.maxHosts === undefined ? {} : { maxHosts: params.maxHosts }),
    build: (leaf) => ({
      secureContext: pool.contextFor(leaf.pem),
      chainDer: [leaf.der, ...chain.map((cert) => cert.der)],
      chainSubjects: [
        { subject: formatName(leaf.subject), issuer: formatName(issuer.subject) },
        ...chainNames,
      ],
    }),
  })
  return {
    certificateFor: (sni) => cache.get(sni ?? params.defaultHost),
    stats: () => cache.stats(),
  }
}

/** Completes the pooled contexts until a real host's leaf replaces it; never served. */
function placeholderLeaf(issuer: IssuedCertificate, key: KeyPair): IssuedCertificate {
  return issueCertificate({
    subject: { CN: 'mitmlab placeholder' },
    issuer,
    key,
    sans: [{ dns: 'placeholder.invalid' }],
    basicConstraints: { ca: false },
  })
}

/** A short-lived EC issuing CA under the installed CA; the root's name constraints still bind it (RFC 5280 §4.2.1.10). */
function issuingCa(root: IssuedCertificate): IssuedCertificate {
  const now = Date.now()
  return issueCertificate({
    subject: { O: root.subject['O'] ?? 'mitmlab', CN: 'mitmlab proxy issuing CA (EC P-256)' },
    issuer: root,
    keySpec: { type: 'ec', curve: 'P-256' },
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(Math.min(now + 30 * 24 * 3_600_000, root.notAfter.getTime())),
    basicConstraints: { ca: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
  })
}
