import { beforeAll, describe, expect, it } from 'vitest'
import { detectInterception } from '../../../server/fingerprint/detect-interception.js'
import { upstreamTlsOptions } from '../../../server/fingerprint/upstream-profiles.js'
import type { ClientHello } from '../../../server/tls/client-hello/types.js'
import { captureClient, captureNodeTlsHello, isInstalled } from './live-hello.js'

/** The proxy's own upstream options (server/proxy/proxy-connection.ts): ALPN http/1.1 on top of the profile. */
const PROXY_ALPN = { ALPNProtocols: ['http/1.1'] }

describe('upstreamTlsOptions, judged by the detector at the genuine server', () => {
  let verifier: ClientHello
  beforeAll(async () => {
    verifier = await captureClient('lab-verifier')
  })

  it('node-default: a node:tls proxy relaying the node lab verifier is invisible (same library, same options)', async () => {
    const upstream = await captureNodeTlsHello({ ...PROXY_ALPN, ...upstreamTlsOptions('node-default', verifier) })
    expect(detectInterception(upstream, { clientId: 'lab-verifier' })).toMatchObject({ verdict: 'match', differences: [] })
  })

  it('legacy-middlebox: flagged, with the version, SHA-1 and post-quantum downgrades', async () => {
    const upstream = await captureNodeTlsHello({ ...PROXY_ALPN, ...upstreamTlsOptions('legacy-middlebox', verifier) })
    const detection = detectInterception(upstream, { clientId: 'lab-verifier' })
    expect(detection.verdict).toBe('intercepted')
    expect(detection.downgrades.map((d) => d.code)).toEqual(['MAX_VERSION_LOWERED', 'SHA1_SIGNATURES_ADDED', 'HYBRID_GROUP_REMOVED'])
    expect(detection.differences.map((d) => d.field)).toEqual([
      'supportedVersions',
      'cipherSuites',
      'cipherSuiteOrder',
      'extensions',
      // TLS 1.2 only, no DHE suites: OpenSSL leaves the FFDHE groups out.
      'supportedGroups',
      'signatureAlgorithms',
      'keyShareGroups',
      'pskModes',
    ])
  })

  it.skipIf(!isInstalled('curl'))('impersonate: relaying curl, only the unmirrorable post_handshake_auth remains', async () => {
    const curl = await captureClient('curl')
    const upstream = await captureNodeTlsHello(upstreamTlsOptions('impersonate', curl))
    const detection = detectInterception(upstream, { userAgent: 'curl/7.88.1' })
    expect(detection.differences.map((d) => [d.field, d.missing, d.extra])).toEqual([['extensions', ['post_handshake_auth'], []]])
  })
})
