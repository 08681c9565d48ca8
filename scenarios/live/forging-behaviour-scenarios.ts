import { forgedLeaf } from '../attacks/forge-helpers.js'
import { defineScenario, type Scenario, type ScenarioContext, type UpstreamEndpoint } from '../define-scenario.js'
import { startExplicitForgingProxy } from './support/explicit-proxy-middlebox.js'
import { startProbabilisticMiddlebox } from './support/probabilistic-middlebox.js'

const ATTACK_EVERY = 3

function startOneInThree(context: ScenarioContext, upstream: UpstreamEndpoint) {
  const leaf = forgedLeaf(context, context.pki.attackerCa, { keySpec: { type: 'ec', curve: 'P-256' } })
  return startProbabilisticMiddlebox(upstream, [leaf, context.pki.attackerCa], ATTACK_EVERY)
}

const EXPLANATION =
  'nogotofail (Google, 2014) attacks only a fraction of connections, about one in ten at random, so an app keeps ' +
  'working and a vulnerable code path is not hidden behind a broken login. Here the proxy forges a certificate from ' +
  'an untrusted CA on every third connection and relays the others untouched. '

export const probabilisticAttackOnce = defineScenario({
  id: 'probabilistic-attack-single-connection',
  title: 'Probabilistic attack (1 in 3 connections), client connects once',
  explanation:
    EXPLANATION +
    'A client that connects once is relayed to the genuine bank: it sees nothing wrong, and a test that runs once ' +
    'would call the app safe. The attack is there, just not on this connection.',
  references: ['nogotofail (github.com/google/nogotofail) attack probability', 'RFC 5280 §6.1'],
  tags: ['strategy', 'probabilistic'],
  kind: 'attack',
  topology: { kind: 'custom', start: startOneInThree },
  expect: { verdict: 'accept', step: null },
})

export const probabilisticAttackRepeated = defineScenario({
  id: 'probabilistic-attack-repeated-connections',
  title: 'Probabilistic attack (1 in 3 connections), client keeps connecting',
  explanation:
    EXPLANATION +
    'The client connects again and again, as an app polling its bank does. The first two connections reach the genuine ' +
    'server; the third meets the forged chain and the chain check catches it. Testing a client means many connections.',
  references: ['nogotofail (github.com/google/nogotofail) attack probability', 'RFC 5280 §6.1'],
  tags: ['strategy', 'probabilistic'],
  kind: 'attack',
  topology: { kind: 'custom', start: startOneInThree },
  clientPolicy: () => ({ connections: ATTACK_EVERY }),
  expect: { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT' },
})


const EXPLICIT_PROXY_REFERENCES = ['RFC 9110 §9.3.6 (CONNECT)', 'WPAD hijacking (US-CERT TA16-144A)', 'mitmproxy regular (explicit) mode']

export const rogueExplicitProxy = defineScenario({
  id: 'explicit-proxy-rogue-wpad',
  title: 'Explicit proxy from a hijacked WPAD: CONNECT, then a forged chain',
  explanation:
    'No DNS is hijacked here: the victim\'s system was told to use the attacker as its HTTP proxy (a rogue ' +
    'WPAD/PAC answer on the local network). The client asks the proxy to CONNECT bank.lab:443 and starts TLS inside ' +
    'the tunnel; the proxy forges a certificate from its own, untrusted CA. Being the configured proxy gives the ' +
    'attacker no extra trust: the chain check catches it exactly as in the hijacked-DNS case.',
  references: EXPLICIT_PROXY_REFERENCES,
  tags: ['strategy', 'explicit-proxy'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) => startExplicitForgingProxy(upstream, [forgedLeaf(context, context.pki.attackerCa, { keySpec: { type: 'ec', curve: 'P-256' } }), context.pki.attackerCa]),
  },
  clientPolicy: () => ({ explicitProxy: true }),
  expect: { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT' },
})

export const corporateExplicitProxy = defineScenario({
  id: 'explicit-proxy-corporate-inspection',
  title: 'Corporate explicit proxy with TLS inspection (installed CA)',
  explanation:
    'The corporate proxy the laptop is configured to use answers CONNECT and inspects TLS with the CA IT installed ' +
    'on the laptop. Every certificate check passes and the login is readable by the proxy: explicit proxy or not, ' +
    'only pinning, CT or the server\'s fingerprint check could tell.',
  references: [...EXPLICIT_PROXY_REFERENCES, 'Durumeric et al., NDSS 2017'],
  tags: ['strategy', 'explicit-proxy', 'interception'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) =>
      startExplicitForgingProxy(upstream, [forgedLeaf(context, context.pki.interceptionCa, { keySpec: { type: 'ec', curve: 'P-256' } }), context.pki.interceptionCa]),
  },
  clientPolicy: () => ({ explicitProxy: true }),
  expect: { verdict: 'accept', step: null },
})

export const forgingBehaviourScenarios: Scenario[] = [probabilisticAttackOnce, probabilisticAttackRepeated, rogueExplicitProxy, corporateExplicitProxy]
