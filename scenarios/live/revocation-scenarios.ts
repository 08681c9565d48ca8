import { randomBytes } from 'node:crypto'
import { certIdFor, encodeOcspResponse, startOcspInterceptor, startRevocationServer, type OcspInterference, type RevocationMode } from '../../server/revocation/index.js'
import { forgedLeaf } from '../attacks/forge-helpers.js'
import { defineScenario, type PathMiddlebox, type ScenarioContext, type UpstreamEndpoint } from '../define-scenario.js'
import { startForgingMiddlebox, type Closable } from './support/forging-middlebox.js'
import { startSiteWithCertificate } from './support/site-with-certificate.js'

const EC = { type: 'ec', curve: 'P-256' } as const

interface StolenCertificatePlan {
  /** Where the certificate says revocation is published. */
  publishes: { crl: boolean; ocsp: boolean }
  /** What the attacker does to the victim's OCSP request. Default: nothing. */
  interference?: OcspInterference
  /** The attacker also resets the victim's CRL download. Default: false. */
  blocksCrl?: boolean
  mustStaple?: boolean
}

/**
 * The story of every revocation scenario: the attacker stole the key of the
 * bank's certificate, the bank noticed and its CA revoked the certificate,
 * and the attacker serves it anyway. The lab CA's CRL and OCSP responder run
 * on loopback; the attacker may sit in front of the responder too.
 */
async function serveRevokedCertificate(context: ScenarioContext, upstream: UpstreamEndpoint, plan: StolenCertificatePlan): Promise<PathMiddlebox> {
  const issuer = context.pki.trustedIntermediate
  const serialNumber = `4${randomBytes(16).toString('hex').slice(1)}`
  const revokedAt = new Date(context.now.getTime() - 86_400_000)
  const companions: Closable[] = []
  const revocation = await startRevocationServer({ issuer, revoked: [{ serialHex: serialNumber, revokedAt }] })
  companions.push(revocation)
  let ocspUrl = revocation.ocspUrl
  if (plan.interference !== undefined) {
    const interceptor = await startOcspInterceptor(plan.interference)
    companions.push(interceptor)
    ocspUrl = interceptor.url
  }
  let crlUrl = revocation.crlUrl
  if (plan.blocksCrl === true) {
    const blocker = await startOcspInterceptor('drop')
    companions.push(blocker)
    crlUrl = blocker.url.replace(/\/ocsp$/, '/crl')
  }
  const leaf = forgedLeaf(context, issuer, {
    keySpec: EC,
    serialNumber,
    ...(plan.publishes.ocsp ? { ocspUrl } : {}),
    ...(plan.publishes.crl ? { crlUrl } : {}),
    ...(plan.mustStaple === true ? { mustStaple: true } : {}),
  })
  return startForgingMiddlebox(upstream, [leaf, issuer], companions)
}

const revocation = (mode: RevocationMode) => () => ({ revocation: { mode } })
const REFERENCES = ['RFC 5280 §5, §6.3', 'RFC 6960', 'badssl.com revoked']

export const revokedLeafCrl = defineScenario({
  id: 'revoked-leaf-crl',
  title: 'Stolen, revoked certificate: caught by the CRL',
  explanation:
    "The attacker stole the bank's private key; the bank had its certificate revoked, but the certificate is still " +
    'inside its validity period and chains to a trusted CA. The client downloads the CA\'s CRL from the distribution ' +
    'point in the certificate and finds the serial listed.',
  references: [...REFERENCES, 'Heartbleed 2014 mass revocation'],
  tags: ['revocation', 'crl'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: true, ocsp: false } }) },
  clientPolicy: revocation('soft-fail'),
  expect: { verdict: 'reject', step: 'REV', code: 'CERT_REVOKED' },
})

export const revokedLeafOcsp = defineScenario({
  id: 'revoked-leaf-ocsp',
  title: 'Stolen, revoked certificate: caught by OCSP',
  explanation:
    'Same stolen certificate, which names only an OCSP responder. The client asks the CA\'s responder about the ' +
    'serial and gets a signed "revoked" answer.',
  references: REFERENCES,
  tags: ['revocation', 'ocsp'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: false, ocsp: true } }) },
  clientPolicy: revocation('soft-fail'),
  expect: { verdict: 'reject', step: 'REV', code: 'CERT_REVOKED' },
})

export const revokedLeafUnchecked = defineScenario({
  id: 'revoked-leaf-unchecked',
  title: 'Stolen, revoked certificate against a client that never checks revocation',
  explanation:
    'Most non-browser TLS stacks (and Chrome, for most certificates) do not check revocation at all. The revoked ' +
    'certificate passes every other check, and the login leaks: revocation only helps clients that ask.',
  references: [...REFERENCES, 'Liu et al., IMC 2015 (revocation in the web PKI)'],
  tags: ['revocation', 'legacy'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: true, ocsp: true } }) },
  clientPolicy: revocation('none'),
  expect: { verdict: 'accept', step: null },
})

const blocked = (mode: 'soft-fail' | 'hard-fail') =>
  defineScenario({
    id: `ocsp-blocked-${mode}`,
    title: `OCSP blocked by the attacker (${mode} client)`,
    explanation:
      mode === 'soft-fail'
        ? "The attacker serves the revoked certificate and resets the victim's connection to the OCSP responder. A " +
          'soft-fail client treats "no answer" as "fine" and accepts: this is the weakness. An attacker who can ' +
          'intercept TLS can almost always block OCSP too, which is why Adam Langley called soft-fail a seat belt that snaps when you crash.'
        : 'Same attack against a hard-fail client: without a good OCSP answer it refuses to connect. Safer, at the price ' +
          'of an outage whenever the responder is down.',
    references: [...REFERENCES, 'SSLsplit -O (deny OCSP)', 'Langley 2014, "No, don\'t enable revocation checking"'],
    tags: ['revocation', 'ocsp', mode, ...(mode === 'soft-fail' ? ['weakness'] : [])],
    kind: 'attack',
    topology: { kind: 'custom', start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: false, ocsp: true }, interference: 'drop' }) },
    clientPolicy: revocation(mode),
    expect: mode === 'soft-fail' ? { verdict: 'accept', step: null } : { verdict: 'reject', step: 'REV', code: 'OCSP_UNAVAILABLE' },
  })

const tryLater = (mode: 'soft-fail' | 'hard-fail') =>
  defineScenario({
    id: `ocsp-try-later-${mode}`,
    title: `OCSP "tryLater" forged by the attacker (${mode} client)`,
    explanation:
      (mode === 'soft-fail'
        ? 'The attacker answers the OCSP request itself with responseStatus tryLater. Unsuccessful OCSP responses carry ' +
          'no signature (RFC 6960 §4.2.1), so anyone on the path can forge one. The soft-fail client shrugs and accepts ' +
          "the revoked certificate: Moxie Marlinspike's 2009 attack, still a weakness."
        : 'The same forged tryLater against a hard-fail client: no signed good answer, no connection.'),
    references: [...REFERENCES, 'Marlinspike, "Defeating OCSP with the character 3" (2009)'],
    tags: ['revocation', 'ocsp', mode, ...(mode === 'soft-fail' ? ['weakness'] : [])],
    kind: 'attack',
    topology: {
      kind: 'custom',
      start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: false, ocsp: true }, interference: 'tryLater' }),
    },
    clientPolicy: revocation(mode),
    expect: mode === 'soft-fail' ? { verdict: 'accept', step: null } : { verdict: 'reject', step: 'REV', code: 'OCSP_TRY_LATER' },
  })

const crlBlocked = (mode: 'soft-fail' | 'hard-fail') =>
  defineScenario({
    id: `crl-blocked-${mode}`,
    title: `CRL download blocked by the attacker (${mode} client)`,
    explanation:
      'The stolen, revoked certificate names only a CRL distribution point, and the attacker resets the download. ' +
      (mode === 'soft-fail'
        ? 'A soft-fail client goes on without the list and accepts the revoked certificate: the same weakness as blocked OCSP.'
        : 'A hard-fail client will not accept a certificate whose CRL it could not fetch.'),
    references: [...REFERENCES, 'RFC 5280 §4.2.1.13'],
    tags: ['revocation', 'crl', mode, ...(mode === 'soft-fail' ? ['weakness'] : [])],
    kind: 'attack',
    topology: { kind: 'custom', start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: true, ocsp: false }, blocksCrl: true }) },
    clientPolicy: revocation(mode),
    expect: mode === 'soft-fail' ? { verdict: 'accept', step: null } : { verdict: 'reject', step: 'REV', code: 'CRL_UNAVAILABLE' },
  })

export const mustStapleWithoutStaple = defineScenario({
  id: 'must-staple-without-staple',
  title: 'Must-staple certificate served without a staple',
  explanation:
    'The stolen certificate carries the TLS Feature extension "status_request" (must-staple, RFC 7633): the CA ' +
    'promises that the server always staples a fresh OCSP response. The attacker cannot get a good one for a ' +
    'revoked certificate, so it staples nothing; even a soft-fail client must then refuse (RFC 7633 §4.2.3.1).',
  references: ['RFC 7633 §4.2.3', 'RFC 6066 §8', ...REFERENCES],
  tags: ['revocation', 'ocsp', 'must-staple'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) => serveRevokedCertificate(context, upstream, { publishes: { crl: false, ocsp: true }, interference: 'drop', mustStaple: true }),
  },
  clientPolicy: revocation('soft-fail'),
  expect: { verdict: 'reject', step: 'REV', code: 'MUST_STAPLE_MISSING' },
})

export const mustStapleStapled = defineScenario({
  id: 'must-staple-stapled',
  title: 'Must-staple certificate with a good stapled OCSP response (control)',
  explanation:
    'No attacker: the bank holds a must-staple certificate and staples the CA-signed "good" OCSP response in the ' +
    'handshake. The client verifies the staple\'s signature and freshness and accepts without asking anybody.',
  references: ['RFC 7633', 'RFC 6066 §8', 'RFC 6960 §4.2'],
  tags: ['control', 'revocation', 'must-staple'],
  kind: 'control',
  topology: {
    kind: 'custom',
    start: (context) => {
      const issuer = context.pki.trustedIntermediate
      const leaf = forgedLeaf(context, issuer, { keySpec: EC, mustStaple: true, ocspUrl: 'http://127.0.0.1:9/ocsp' })
      const certId = certIdFor(leaf.der, issuer.der)
      if (certId === null) throw new Error('must-staple-stapled: the leaf cannot be parsed')
      const staple = encodeOcspResponse({
        responder: issuer,
        producedAt: context.now,
        answers: [{ certId, status: { kind: 'good' }, thisUpdate: new Date(context.now.getTime() - 60_000), nextUpdate: new Date(context.now.getTime() + 86_400_000) }],
      })
      return startSiteWithCertificate([leaf, issuer], { staple: () => staple })
    },
  },
  clientPolicy: revocation('hard-fail'),
  expect: { verdict: 'accept', step: null },
})

export const revocationScenarios = [
  revokedLeafCrl,
  revokedLeafOcsp,
  revokedLeafUnchecked,
  blocked('soft-fail'),
  blocked('hard-fail'),
  tryLater('soft-fail'),
  tryLater('hard-fail'),
  crlBlocked('soft-fail'),
  crlBlocked('hard-fail'),
  mustStapleWithoutStaple,
  mustStapleStapled,
]
