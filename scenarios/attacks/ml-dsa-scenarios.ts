import { issueCertificate, LAB_PERMITTED_SUBTREES, type IssuedCertificate, type LabPki } from '../../ca/index.js'
import { startSiteWithChain } from '../scenario-file/site-with-chain.js'
import { defineScenario, type Scenario, type ScenarioContext } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

/**
 * Post-quantum certificates: ML-DSA-65 (FIPS 204) CA and leaf, encoded per
 * draft-ietf-lamps-dilithium-certificates and signed by node:crypto (OpenSSL 3.5). TLS 1.3 carries
 * the matching CertificateVerify scheme mldsa65 (0x0905, draft-ietf-tls-mldsa).
 */
const REFERENCES = ['FIPS 204 (ML-DSA)', 'draft-ietf-lamps-dilithium-certificates', 'draft-ietf-tls-mldsa', 'RFC 5280 §6.1']

const YEAR_MS = 365 * 24 * 3_600_000

interface MlDsaRoots {
  /** A post-quantum root the victim trusts for this family: name-constrained to lab names like every lab root. */
  trusted: IssuedCertificate
  /** The attacker's own ML-DSA root, trusted by nobody. */
  attacker: IssuedCertificate
}

// One pair per lab PKI, made on first use (ML-DSA key generation takes about a millisecond), so the
// client policy and the served chain of a run agree on the same roots.
const rootsByPki = new WeakMap<LabPki, MlDsaRoots>()

function mlDsaRoots(context: ScenarioContext): MlDsaRoots {
  const existing = rootsByPki.get(context.pki)
  if (existing !== undefined) return existing
  const validity = { notBefore: new Date(context.now.getTime() - 3_600_000), notAfter: new Date(context.now.getTime() + YEAR_MS) }
  const caProfile = { keySpec: { type: 'ml-dsa', level: 65 } as const, basicConstraints: { ca: true }, keyUsage: ['keyCertSign' as const, 'cRLSign' as const], ...validity }
  const roots = {
    trusted: issueCertificate({
      subject: { C: 'ZZ', O: 'mitmlab Trust Services', CN: 'mitmlab Post-Quantum Root CA (ML-DSA-65)' },
      ...caProfile,
      nameConstraints: { permitted: LAB_PERMITTED_SUBTREES },
    }),
    attacker: issueCertificate({ subject: { O: 'Evil Attacker Ltd', CN: 'Evil Attacker Post-Quantum Root (ML-DSA-65)' }, ...caProfile }),
  }
  rootsByPki.set(context.pki, roots)
  return roots
}

function mlDsaLeaf(context: ScenarioContext, issuer: IssuedCertificate): IssuedCertificate {
  return forgedLeaf(context, issuer, { keySpec: { type: 'ml-dsa', level: 65 }, keyUsage: ['digitalSignature'] })
}

/** The victim's usual roots plus the ML-DSA root: what a client that trusts the PQ hierarchy holds. */
const trustingMlDsaRoot = (context: ScenarioContext): { trustAnchors: Buffer[] } => ({
  trustAnchors: [context.pki.trustedRoot.der, context.pki.interceptionCa.der, mlDsaRoots(context).trusted.der],
})

export const mlDsaChain = defineScenario({
  id: 'ml-dsa-chain',
  title: 'Post-quantum chain: ML-DSA-65 root and leaf (control)',
  explanation:
    'The bank serves a chain in which both the CA and the leaf sign with ML-DSA-65, the lattice signature NIST ' +
    'standardised in FIPS 204, and the victim trusts that root. Nothing is wrong: a client whose stack parses ' +
    'ML-DSA keys and verifies ML-DSA signatures (the lab verifier through node:crypto, Node 24 through OpenSSL ' +
    '3.5) accepts. A client that cannot is not "catching" anything: it simply cannot speak the algorithm (no ' +
    'mldsa65 in its signature_algorithms, so the server has no way to sign the handshake for it) — which the ' +
    'real-client matrix shows client by client. Certificates grow from ~1 KB to ~5.5 KB each.',
  references: REFERENCES,
  tags: ['post-quantum', 'control', 'ml-dsa'],
  kind: 'control',
  topology: {
    kind: 'custom',
    start: (context) => {
      const root = mlDsaRoots(context).trusted
      return startSiteWithChain({ served: [mlDsaLeaf(context, root), root], description: 'bank.lab under an ML-DSA-65 root the victim trusts' })
    },
  },
  clientPolicy: trustingMlDsaRoot,
  expect: { verdict: 'accept', step: null },
})

export const mlDsaForgedUntrustedRoot = defineScenario({
  id: 'ml-dsa-forged-untrusted-root',
  title: "Forged ML-DSA-65 leaf from the attacker's own post-quantum root",
  explanation:
    'The attacker mints bank.lab with a fresh ML-DSA-65 key under an ML-DSA root of its own. Post-quantum ' +
    'signatures change nothing about trust: the signature verifies under the key it names, but the chain ends ' +
    'at a root the victim never installed, so TRUST rejects it exactly as for a classical forgery. A ' +
    'post-quantum algorithm is not a credential.',
  references: [...REFERENCES, 'badssl.com untrusted-root'],
  tags: ['post-quantum', 'chain', 'forgery', 'ml-dsa'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const root = mlDsaRoots(context).attacker
      return { served: [mlDsaLeaf(context, root), root], description: 'bank.lab (ML-DSA-65) issued by Evil Attacker Post-Quantum Root' }
    },
  },
  clientPolicy: trustingMlDsaRoot,
  expect: { verdict: 'reject', step: 'TRUST' },
})

export const mlDsaScenarios: readonly Scenario[] = [mlDsaChain, mlDsaForgedUntrustedRoot]
