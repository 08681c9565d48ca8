import { CLASSICAL_GROUPS } from '../../server/fingerprint/upstream-profiles.js'
import { HYBRID_GROUP_CODES } from '../../server/tls/tamper/index.js'
import { startInterceptorWithUpstreamProfile } from '../attacks/server-side-detection.js'
import { defineScenario, type Scenario } from '../define-scenario.js'
import { startTamperMiddlebox } from './tamper-middlebox.js'

/**
 * Post-quantum key exchange (issue 16). Every current browser and Node 24 open TLS 1.3 with the
 * hybrid X25519MLKEM768: X25519 and ML-KEM-768 combined, secure while either holds. Its point is
 * "harvest now, decrypt later": traffic recorded today cannot be decrypted by a quantum computer
 * built tomorrow. An interceptor that cannot speak the hybrid silently takes that away.
 */
const PQ_REFERENCES = [
  'draft-ietf-tls-ecdhe-mlkem §3 (X25519MLKEM768)',
  'draft-ietf-tls-hybrid-design §2',
  'FIPS 203 (ML-KEM)',
  'NIST IR 8547 (transition to post-quantum cryptography)',
]

const HARVEST_NOW =
  '"Harvest now, decrypt later": an adversary who records classical (ECDH-only) TLS today can decrypt it once a ' +
  'cryptographically relevant quantum computer runs Shor\'s algorithm; the ML-KEM half of the hybrid is what ' +
  'stands in the way.'

export const interceptionClassicalUpstream = defineScenario({
  id: 'interception-classical-upstream',
  title: 'Trusted interception with a classical-only leg to the bank (an older inspection product)',
  explanation:
    "The victim trusts the inspection product's CA and negotiates X25519MLKEM768 with it: the victim's own leg is " +
    'post-quantum. But the product re-originates TLS with a stack that predates ML-KEM (X25519, P-256, P-384 ' +
    'only), so the leg that carries the same password to the bank is classical. No client-side check can see the ' +
    "other leg: a default client accepts and the password leaks to the product. The bank can: the ClientHello it " +
    'receives lacks the hybrid group the claimed client always offers, and its FP step names the removed group. ' +
    HARVEST_NOW,
  references: [...PQ_REFERENCES, 'Durumeric et al., "The Security Impact of HTTPS Interception", NDSS 2017'],
  tags: ['post-quantum', 'interception', 'fingerprint', 'trusted-rogue'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startInterceptorWithUpstreamProfile(context, upstream, 'classical-kex') },
  expect: { verdict: 'accept', step: null, serverDetects: true },
})

export const interceptionClassicalPqPolicy = defineScenario({
  id: 'interception-classical-pq-policy',
  title: 'Classical-only inspection product, against a client that requires post-quantum key exchange',
  explanation:
    'The same older inspection product, whose TLS stack offers no ML-KEM on either side: toward the victim it ' +
    'negotiates plain X25519. A client with a post-quantum policy (require a hybrid group, as a high-assurance ' +
    'client or a CNSA 2.0 profile would) sees a classical key exchange on its own connection and refuses before ' +
    'sending anything, at PROTO with CLASSICAL_KEY_EXCHANGE. A default client, like every browser today, would ' +
    'accept: browsers offer the hybrid first but still fall back to classical. ' +
    HARVEST_NOW,
  references: [...PQ_REFERENCES, 'NSA CNSA 2.0 (2022)'],
  tags: ['post-quantum', 'interception', 'protocol', 'trusted-rogue'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (context, upstream) => startInterceptorWithUpstreamProfile(context, upstream, 'classical-kex', CLASSICAL_GROUPS),
  },
  clientPolicy: () => ({ protocol: { minVersion: 'TLSv1.2', requireModernCipher: true, requireHybridKeyExchange: true } }),
  expect: { verdict: 'reject', step: 'PROTO', code: 'CLASSICAL_KEY_EXCHANGE' },
})

export const editDropHybridKeyShare = defineScenario({
  id: 'client-hello-drop-hybrid-key-share',
  title: 'ClientHello edited in flight: the post-quantum hybrid key share removed',
  explanation:
    'A non-terminating relay deletes X25519MLKEM768 from the client\'s supported_groups and its 1,216-byte key ' +
    'share from key_share, so the bank settles for the X25519 share that is left: a downgrade from post-quantum to ' +
    'classical key exchange, which is all a passive recorder needs for "harvest now, decrypt later". It cannot ' +
    'work: TLS 1.3 derives the handshake keys from the hash of the whole transcript, the ClientHello included ' +
    '(RFC 8446 §7.1), so client and server end up with different keys and the client cannot open the server\'s ' +
    'encrypted flight. The Finished/transcript check (FIN) catches it; a relay that removed only the key share ' +
    'would provoke a HelloRetryRequest and be caught the same way (RFC 8446 §4.4.1).',
  references: [...PQ_REFERENCES, 'RFC 8446 §4.2.7', 'RFC 8446 §4.2.8', 'RFC 8446 §7.1'],
  tags: ['post-quantum', 'handshake', 'transcript', 'downgrade'],
  kind: 'attack',
  topology: {
    kind: 'custom',
    start: (_context, upstream) =>
      startTamperMiddlebox(upstream, { kind: 'edit-client-hello', edits: [{ kind: 'drop-groups', groups: HYBRID_GROUP_CODES }] }),
  },
  expect: { verdict: 'reject', step: 'FIN', code: 'TRANSCRIPT_MISMATCH' },
})

export const postQuantumScenarios: readonly Scenario[] = [
  interceptionClassicalUpstream,
  interceptionClassicalPqPolicy,
  editDropHybridKeyShare,
]
