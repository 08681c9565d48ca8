import { chainPem, formatName } from '../../ca/index.js'
import { upstreamTlsOptions } from '../../server/fingerprint/upstream-profiles.js'
import { startInterceptingProxy } from '../../server/proxy/intercepting-proxy.js'
import { createSecureContext } from 'node:tls'
import { defineScenario, type PathMiddlebox, type ScenarioContext, type UpstreamEndpoint } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

/**
 * An interception proxy trusted by the victim whose upstream leg re-originates
 * TLS with its own cipher preferences, as the products Durumeric et al.
 * measured do: the genuine server compares the hello with the client the
 * request claims to be.
 */
async function startInterceptorWithUpstreamCiphers(
  context: ScenarioContext,
  upstream: UpstreamEndpoint,
  ciphers: string | undefined,
): Promise<PathMiddlebox> {
  const leaf = forgedLeaf(context, context.pki.interceptionCa)
  const served = [leaf, context.pki.interceptionCa]
  const proxy = await startInterceptingProxy({
    mode: 'terminate',
    upstream: { ...upstream, ...(ciphers === undefined ? {} : { ciphers }) },
    certificateFor: () => ({
      secureContext: createSecureContext({ key: leaf.key.privateKeyPem, cert: chainPem(...served) }),
      chainDer: served.map((cert) => cert.der),
      chainSubjects: served.map((cert, index) => ({
        subject: formatName(cert.subject),
        issuer: formatName(served[index + 1]?.subject ?? cert.subject),
      })),
    }),
  })
  return {
    connectTo: { host: proxy.host, port: proxy.port },
    records: () => proxy.records,
    whenIdle: (timeoutMs) => proxy.whenIdle(timeoutMs),
    close: () => proxy.close(),
  }
}

export const interceptionDetectedByServer = defineScenario({
  id: 'interception-detected-by-server',
  title: 'Trusted interception, noticed by the bank',
  explanation:
    "The victim trusts the proxy's CA, so every client-side check passes and the password leaks. But the proxy " +
    'opens its own TLS connection to the bank with a middlebox cipher list (CBC and static-RSA suites first). ' +
    "The bank sees a ClientHello that is not the one its claimed client sends and flags the session: 4–11 % " +
    'of real HTTPS traffic looked like this in 2017, mostly weakened.',
  references: ['Durumeric et al., "The Security Impact of HTTPS Interception", NDSS 2017', 'JA3 (Salesforce)', 'JA4 (FoxIO)'],
  tags: ['trusted-rogue', 'interception', 'fingerprint'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) => startInterceptorWithUpstreamCiphers(context, upstream, upstreamTlsOptions('legacy-middlebox', null).ciphers),
  },
  expect: { verdict: 'accept', step: null, serverDetects: true },
})

export const interceptionMirroringClient = defineScenario({
  id: 'interception-mirroring-client',
  title: 'Trusted interception with the same TLS library as the victim',
  explanation:
    "The same interception, but the proxy's upstream hello is built by the very library the victim uses (node:tls " +
    'defaults on both sides). The fingerprints are identical, so the bank has nothing to notice: server-side ' +
    'detection only works when the interceptor cannot (or does not) reproduce the client. Only a pin would help.',
  references: ['Durumeric et al., NDSS 2017 §4', 'mockttp / tls-impersonate'],
  tags: ['trusted-rogue', 'interception', 'fingerprint'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startInterceptorWithUpstreamCiphers(context, upstream, undefined) },
  expect: { verdict: 'accept', step: null, serverDetects: false },
})
