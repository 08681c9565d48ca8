import { chainPem, formatName } from '../../ca/index.js'
import type { UpstreamProfileId } from '../../server/fingerprint/upstream-profiles.js'
import { startInterceptingProxy } from '../../server/proxy/intercepting-proxy.js'
import { createSecureContext } from 'node:tls'
import { defineScenario, type PathMiddlebox, type ScenarioContext, type UpstreamEndpoint } from '../define-scenario.js'
import { asMiddlebox } from '../stage-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

/**
 * An interception proxy trusted by the victim whose upstream leg re-originates
 * TLS with its own cipher preferences, as the products Durumeric et al.
 * measured do: the genuine server compares the hello with the client the
 * request claims to be.
 */
export async function startInterceptorWithUpstreamProfile(
  context: ScenarioContext,
  upstream: UpstreamEndpoint,
  profile: UpstreamProfileId,
  /** The client-facing side's key-exchange groups (node:tls `ecdhCurve`); default: Node's own. */
  clientFacingGroups?: string,
): Promise<PathMiddlebox> {
  const leaf = forgedLeaf(context, context.pki.interceptionCa)
  const served = [leaf, context.pki.interceptionCa]
  const proxy = await startInterceptingProxy({
    mode: 'terminate',
    upstream: { ...upstream, profile },
    certificateFor: () => ({
      secureContext: createSecureContext({
        key: leaf.key.privateKeyPem,
        cert: chainPem(...served),
        ...(clientFacingGroups === undefined ? {} : { ecdhCurve: clientFacingGroups }),
      }),
      chainDer: served.map((cert) => cert.der),
      chainSubjects: served.map((cert, index) => ({
        subject: formatName(cert.subject),
        issuer: formatName(served[index + 1]?.subject ?? cert.subject),
      })),
    }),
  })
  return asMiddlebox(proxy)
}

export const interceptionDetectedByServer = defineScenario({
  id: 'interception-detected-by-server',
  title: 'Trusted interception, noticed by the bank',
  explanation:
    "The victim trusts the proxy's CA, so every client-side check passes and the password leaks. But the proxy " +
    'opens its own TLS connection to the bank the way a legacy middlebox does (TLS 1.2 at most, CBC and static-RSA ' +
    'suites first, SHA-1 signatures allowed). ' +
    "The bank sees a ClientHello that is not the one its claimed client sends and flags the session: 4–11 % " +
    'of real HTTPS traffic looked like this in 2017, mostly weakened.',
  references: ['Durumeric et al., "The Security Impact of HTTPS Interception", NDSS 2017', 'JA3 (Salesforce)', 'JA4 (FoxIO)'],
  tags: ['trusted-rogue', 'interception', 'fingerprint'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) => startInterceptorWithUpstreamProfile(context, upstream, 'legacy-middlebox'),
  },
  expect: { verdict: 'accept', step: null, serverDetects: true },
})

export const interceptionMirroringClient = defineScenario({
  id: 'interception-mirroring-client',
  title: 'Trusted interception that impersonates the victim\'s ClientHello',
  explanation:
    "The same interception, but the proxy mirrors each client's hello upstream (cipher order, groups, signature " +
    'schemes, ALPN, versions) as far as node:tls allows, and the victim uses the same library. The fingerprints ' +
    'come out identical, so the bank has nothing to notice: server-side detection only works while the ' +
    'interceptor cannot reproduce the client (against a browser, GREASE and extension order still give it away). ' +
    'Only a pin would help.',
  references: ['Durumeric et al., NDSS 2017 §4', 'mockttp / tls-impersonate'],
  tags: ['trusted-rogue', 'interception', 'fingerprint'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startInterceptorWithUpstreamProfile(context, upstream, 'impersonate') },
  expect: { verdict: 'accept', step: null, serverDetects: false },
})
