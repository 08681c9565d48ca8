import { defineScenario, type Scenario } from '../define-scenario.js'
import { startKeyPossessionEngine } from './key-possession-middlebox.js'

const EXPLANATION =
  'The attacker copies the bank\'s real certificate chain (it is public: every handshake sends it) and serves it from ' +
  'its own small TLS stack. Every certificate check passes: the chain is genuine, trusted, valid, for the right name. ' +
  'But the attacker does not hold the bank\'s private key, so it signs the handshake with a key of its own. The client ' +
  'checks that signature against the public key in the leaf certificate and aborts: the certificate says who the key ' +
  'belongs to, the handshake signature proves the server holds it. OpenSSL refuses to even load a certificate with a ' +
  'non-matching key, which is why the lab needs its own handshake engine for this (nogotofail serverkeyreplace).'

export const keyPossessionTls12 = defineScenario({
  id: 'key-possession-tls12',
  title: 'Genuine chain, wrong key: ServerKeyExchange signed by the attacker (TLS 1.2)',
  explanation:
    `${EXPLANATION} In TLS 1.2 the signature covers both hello randoms and the server's ECDHE share (RFC 5246 §7.4.3, ` +
    'RFC 8422 §5.4), so it cannot be replayed from another connection either.',
  references: ['RFC 5246 §7.4.3', 'RFC 8422 §5.4', 'nogotofail serverkeyreplace', 'scenario catalog row 41'],
  tags: ['handshake', 'key-possession', 'tls12'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startKeyPossessionEngine(context, upstream, 'TLSv1.2') },
  expect: { verdict: 'reject', step: 'HS', code: 'HANDSHAKE_SIGNATURE_INVALID' },
})

export const keyPossessionTls13 = defineScenario({
  id: 'key-possession-tls13',
  title: 'Genuine chain, wrong key: CertificateVerify signed by the attacker (TLS 1.3)',
  explanation:
    `${EXPLANATION} In TLS 1.3 the signature is CertificateVerify, over the hash of the whole handshake so far ` +
    '(RFC 8446 §4.4.3), and it travels encrypted: the lab decrypts it with the client\'s key log to show it.',
  references: ['RFC 8446 §4.4.3', 'RFC 8446 §4.4.2', 'nogotofail serverkeyreplace', 'scenario catalog row 41'],
  tags: ['handshake', 'key-possession', 'tls13'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startKeyPossessionEngine(context, upstream, 'TLSv1.3') },
  expect: { verdict: 'reject', step: 'HS', code: 'HANDSHAKE_SIGNATURE_INVALID' },
})

export const keyPossessionScenarios: readonly Scenario[] = [keyPossessionTls12, keyPossessionTls13]
