import { createHash } from 'node:crypto'
import type { IssuedCertificate } from '../../ca/index.js'
import { issueLoggedCertificate, labCtLogs, labCtPolicy, type SctSpec } from '../../server/ct/index.js'
import { forgedLeaf } from '../attacks/forge-helpers.js'
import { defineScenario, type ForgedChain, type ScenarioContext } from '../define-scenario.js'
import { rogueTrustedCa } from './support/rogue-ca.js'
import { startSiteWithCertificate } from './support/site-with-certificate.js'

const EC = { type: 'ec', curve: 'P-256' } as const

/** A bank.lab leaf from `issuer` with the given SCTs embedded by the precertificate flow. */
function loggedLeaf(context: ScenarioContext, issuer: IssuedCertificate, scts: SctSpec[]): IssuedCertificate {
  const template = forgedLeaf(context, issuer, { keySpec: EC })
  const { certificate } = issueLoggedCertificate(
    {
      subject: template.subject,
      issuer,
      key: template.key,
      notBefore: template.notBefore,
      notAfter: template.notAfter,
      sans: [{ dns: context.host }],
      basicConstraints: { ca: false },
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
    },
    scts,
  )
  return certificate
}

function rogueChain(context: ScenarioContext, scts: SctSpec[] | null, description: string): ForgedChain {
  const rogue = rogueTrustedCa(context.pki)
  const leaf = scts === null ? forgedLeaf(context, rogue, { keySpec: EC }) : loggedLeaf(context, rogue, scts)
  return { served: [leaf, rogue], description }
}

const spkiPin = (spkiDer: Buffer): string => createHash('sha256').update(spkiDer).digest('base64')
const ROGUE_REFERENCES = ['DigiNotar 2011 (Fox-IT "Black Tulip" report)', 'TURKTRUST 2012']
const CT_REFERENCES = ['RFC 6962 §3', 'Chrome Certificate Transparency policy', 'Symantec 2015 test certificates']

export const rogueCaNoCheck = defineScenario({
  id: 'rogue-ca-legacy-client',
  title: 'Trusted CA mis-issues for the bank (client without pins or CT)',
  explanation:
    'A CA every client trusts was hacked (DigiNotar 2011) and issued a certificate for bank.lab to the attacker. ' +
    'The chain is genuine, the signature, dates, name and constraints are all correct: a client that checks only ' +
    'PKIX accepts it, and the login leaks. Nothing in the certificate is wrong; the CA is.',
  references: [...ROGUE_REFERENCES, 'RFC 5280 §6.1'],
  tags: ['trusted-rogue', 'ct', 'legacy'],
  kind: 'attack',
  topology: { kind: 'intercept', forge: (context) => rogueChain(context, null, 'bank.lab issued by a compromised but trusted sub-CA, no SCTs') },
  expect: { verdict: 'accept', step: null },
})

export const rogueCaPinned = defineScenario({
  id: 'rogue-ca-pinned',
  title: 'Trusted CA mis-issues for the bank, client pins the bank key',
  explanation:
    "The DigiNotar certificate for *.google.com was caught by Chrome's built-in pins: the key was not one Google " +
    'used. Here the client pins the SPKI of the genuine bank.lab certificate; the rogue certificate passes every ' +
    'PKIX check and fails only the pin.',
  references: [...ROGUE_REFERENCES, 'RFC 7469 §2.4'],
  tags: ['trusted-rogue', 'pinning'],
  kind: 'attack',
  topology: { kind: 'intercept', forge: (context) => rogueChain(context, null, 'bank.lab issued by a compromised but trusted sub-CA') },
  clientPolicy: (context) => ({ pins: [spkiPin(context.pki.genuineLeaf.key.spkiDer)] }),
  expect: { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH' },
})

export const rogueCaNoSct = defineScenario({
  id: 'rogue-ca-no-sct',
  title: 'Trusted CA mis-issues in secret: no SCTs',
  explanation:
    'The rogue CA issued the certificate without logging it, so no Certificate Transparency log has seen it and ' +
    'it carries no SCT. A client that requires SCTs from logs it knows (Chrome, Safari) refuses it. This is how ' +
    "Symantec's unauthorised test certificates for google.com came to light in 2015.",
  references: [...CT_REFERENCES, ...ROGUE_REFERENCES],
  tags: ['trusted-rogue', 'ct'],
  kind: 'attack',
  topology: { kind: 'intercept', forge: (context) => rogueChain(context, null, 'bank.lab from a trusted rogue CA, never logged') },
  clientPolicy: () => ({ ct: labCtPolicy() }),
  expect: { verdict: 'reject', step: 'CT', code: 'SCT_MISSING' },
})

export const rogueCaUnknownLogSct = defineScenario({
  id: 'rogue-ca-sct-unknown-log',
  title: "Trusted CA mis-issues with an SCT from the attacker's own log",
  explanation:
    'The attacker embeds a real, correctly signed SCT, but from a log it runs itself. The client knows which logs ' +
    "it trusts (by log id, the SHA-256 of the log's key): an SCT from any other log counts for nothing.",
  references: [...CT_REFERENCES, 'mockttp fake SCTs'],
  tags: ['trusted-rogue', 'ct', 'forgery'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => rogueChain(context, [{ log: labCtLogs().attacker }], 'bank.lab from a trusted rogue CA with an SCT from the attacker log'),
  },
  clientPolicy: () => ({ ct: labCtPolicy() }),
  expect: { verdict: 'reject', step: 'CT', code: 'SCT_UNKNOWN_LOG' },
})

export const rogueCaForgedSct = defineScenario({
  id: 'rogue-ca-forged-sct',
  title: 'Trusted CA mis-issues with a forged SCT claiming a trusted log',
  explanation:
    "The attacker writes the trusted log's id into an SCT it signed with its own key. The log id matches, but the " +
    "signature over the precertificate entry does not verify with the trusted log's public key: the SCT is forged.",
  references: [...CT_REFERENCES, 'RFC 6962 §3.2 (digitally-signed)'],
  tags: ['trusted-rogue', 'ct', 'forgery'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const logs = labCtLogs()
      return rogueChain(context, [{ log: logs.attacker, forge: { claimLogId: logs.trusted[0].logId } }], 'bank.lab with an SCT forged in the name of a trusted log')
    },
  },
  clientPolicy: () => ({ ct: labCtPolicy() }),
  expect: { verdict: 'reject', step: 'CT', code: 'SCT_BAD_SIGNATURE' },
})

export const rogueCaLoggedSct = defineScenario({
  id: 'rogue-ca-logged',
  title: 'Trusted CA mis-issues and logs it: CT detects, it does not block',
  explanation:
    'The rogue CA logs the certificate in a trusted log, so it carries a valid SCT and a CT-enforcing client ' +
    'accepts it. CT does not stop mis-issuance: it makes it public. The bank, watching the logs with a monitor, ' +
    'would see a certificate for bank.lab it never asked for and could have it revoked. Accepted, and the login leaks.',
  references: [...CT_REFERENCES, 'RFC 6962 §3.5 (monitors)'],
  tags: ['trusted-rogue', 'ct', 'teaching'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => rogueChain(context, [{ log: labCtLogs().trusted[0] }], 'bank.lab from a trusted rogue CA, logged in a trusted log'),
  },
  clientPolicy: () => ({ ct: labCtPolicy() }),
  expect: { verdict: 'accept', step: null },
})

export const interceptionCaNoSct = defineScenario({
  id: 'interception-ca-ct-enforced',
  title: 'Installed interception CA against a client that enforces CT for every root',
  explanation:
    'Corporate TLS inspection mints certificates nobody logs. Browsers exempt roots the user installed from CT on ' +
    'purpose (otherwise inspection would break); a client that enforces CT for every root, as this one does, ' +
    'refuses the forged certificate for having no SCT.',
  references: [...CT_REFERENCES, 'Chrome CT policy: locally-trusted anchors are exempt'],
  tags: ['interception', 'ct'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => ({ served: [forgedLeaf(context, context.pki.interceptionCa, { keySpec: EC }), context.pki.interceptionCa], description: 'bank.lab from the installed interception CA, no SCT' }),
  },
  clientPolicy: () => ({ ct: labCtPolicy() }),
  expect: { verdict: 'reject', step: 'CT', code: 'SCT_MISSING' },
})

export const ctLoggedGenuine = defineScenario({
  id: 'ct-logged-certificate',
  title: 'Bank certificate logged in two trusted logs (control)',
  explanation:
    "No attacker: the bank's own CA issued its certificate through the precertificate flow and embedded SCTs from " +
    'two trusted logs. A CT-enforcing client verifies both SCT signatures over the rebuilt precertificate entry and ' +
    'accepts.',
  references: ['RFC 6962 §3.1-3.3'],
  tags: ['control', 'ct'],
  kind: 'control',
  topology: {
    kind: 'custom',
    start: (context) => {
      const logs = labCtLogs()
      const leaf = loggedLeaf(context, context.pki.trustedIntermediate, [{ log: logs.trusted[0] }, { log: logs.trusted[1] }])
      return startSiteWithCertificate([leaf, context.pki.trustedIntermediate])
    },
  },
  clientPolicy: () => ({ ct: labCtPolicy(2) }),
  expect: { verdict: 'accept', step: null },
})

export const ctScenarios = [
  ctLoggedGenuine,
  rogueCaNoCheck,
  rogueCaPinned,
  rogueCaNoSct,
  rogueCaUnknownLogSct,
  rogueCaForgedSct,
  rogueCaLoggedSct,
  interceptionCaNoSct,
]
