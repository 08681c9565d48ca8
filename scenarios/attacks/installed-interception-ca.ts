import { createHash } from 'node:crypto'
import { defineScenario } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

/** The corporate TLS-inspection / antivirus / mitmproxy case: the victim trusts the proxy's CA. */
const interceptionTopology = {
  kind: 'intercept' as const,
  forge: (context: Parameters<typeof forgedLeaf>[0]) => {
    const leaf = forgedLeaf(context, context.pki.interceptionCa)
    return {
      served: [leaf, context.pki.interceptionCa],
      description: 'bank.lab issued by the interception CA the victim installed',
    }
  },
}

export const installedInterceptionCa = defineScenario({
  id: 'installed-interception-ca',
  title: 'Interception by a CA the victim installed',
  explanation:
    'Corporate TLS inspection, antivirus and mitmproxy users install a root so the proxy can mint a ' +
    'certificate for any site. Every PKIX check passes (trust, signature, dates, name, constraints): no ' +
    'certificate step catches it, and the credentials leak. Only pinning, CT or the server noticing the ' +
    'foreign ClientHello (Durumeric et al., NDSS 2017) can.',
  references: ['Durumeric et al., NDSS 2017', 'mitmproxy certificate docs', 'RFC 7469'],
  tags: ['trusted-rogue', 'interception'],
  kind: 'attack',
  topology: interceptionTopology,
  expect: { verdict: 'accept', step: null },
})

export const installedInterceptionCaPinned = defineScenario({
  id: 'installed-interception-ca-pinned',
  title: 'Installed interception CA against a pinning client',
  explanation:
    "The same interception, against a client that pins the bank's key (the SPKI of its genuine " +
    'certificate). The chain is trusted and everything up to basic constraints passes, but the key the ' +
    "proxy presents is not the bank's: the pin catches it.",
  references: ['RFC 7469 §2.4', 'OWASP Certificate and Public Key Pinning'],
  tags: ['trusted-rogue', 'interception', 'pinning'],
  kind: 'attack',
  topology: interceptionTopology,
  clientPolicy: (context) => ({ pins: [spkiPin(context.pki.genuineLeaf.key.spkiDer)] }),
  expect: { verdict: 'reject', step: 'PIN' },
})

function spkiPin(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest('base64')
}
