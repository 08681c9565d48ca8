import type { ConnectionOptions } from 'node:tls'
import type { HelloFingerprint } from './compare-hellos.js'
import { planImpersonation } from './impersonate.js'

/** How an intercepting proxy builds its upstream ClientHello. */
export type UpstreamProfileId = 'node-default' | 'legacy-middlebox' | 'impersonate' | 'classical-kex'

export interface UpstreamProfile {
  id: UpstreamProfileId
  title: string
  description: string
}

export const UPSTREAM_PROFILES: readonly UpstreamProfile[] = [
  {
    id: 'node-default',
    title: 'node:tls defaults',
    description: "The proxy's own library defaults, whatever the client offered: what most interceptors do.",
  },
  {
    id: 'legacy-middlebox',
    title: 'Legacy middlebox',
    description:
      'TLS 1.2 at most, CBC and static-RSA suites first, SHA-1 signatures allowed: the weakened profile Durumeric et al. (NDSS 2017, §6) found in most interception products.',
  },
  {
    id: 'classical-kex',
    title: 'Classical key exchange',
    description:
      'A modern TLS 1.3 stack built or configured before ML-KEM: X25519, P-256 and P-384 only, so the leg to the bank has no post-quantum hybrid whatever the client offered.',
  },
  {
    id: 'impersonate',
    title: 'Impersonate the client',
    description: "Mirrors the client's cipher order, groups, signature schemes, ALPN and versions as far as node:tls allows.",
  },
]

/**
 * OpenSSL names, strongest last on purpose: the middlebox prefers what it has always
 * negotiated. `@SECLEVEL=0` lets OpenSSL 3 offer SHA-1 signatures again.
 */
const LEGACY_MIDDLEBOX_CIPHERS = 'AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'

/** OpenSSL 3.0's default groups, the ones an inspection product without ML-KEM offers. */
export const CLASSICAL_GROUPS = 'X25519:P-256:P-384'

/**
 * The `tls.connect` options that shape the proxy's upstream hello under a profile.
 * The proxy adds host, port, servername and ALPN itself.
 */
export function upstreamTlsOptions(profile: UpstreamProfileId, clientHello: HelloFingerprint | null): ConnectionOptions {
  switch (profile) {
    case 'node-default':
      return {}
    case 'legacy-middlebox':
      return { maxVersion: 'TLSv1.2', ciphers: LEGACY_MIDDLEBOX_CIPHERS }
    case 'impersonate':
      return clientHello === null ? {} : { ...planImpersonation(clientHello).options }
    case 'classical-kex':
      return { ecdhCurve: CLASSICAL_GROUPS }
  }
}
