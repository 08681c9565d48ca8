import { STRONGEST_SUITES } from '../../server/tls/tamper/index.js'
import { defineScenario, type Scenario } from '../define-scenario.js'
import { startTamperMiddlebox } from './tamper-middlebox.js'

const WHY_FINISHED =
  'The relay holds no key and forwards everything else untouched, so the handshake runs to its end. But client and ' +
  'server now hold different transcripts: the client hashed the hello it sent, the server the one it received. In TLS ' +
  '1.3 the handshake keys themselves are derived from that hash (RFC 8446 §7.1), so the client cannot even open the ' +
  'server\'s encrypted flight and OpenSSL reports bad_record_mac; in TLS 1.2 the Finished messages (RFC 5246 §7.4.9) ' +
  'or, with extended_master_secret, the keys (RFC 7627) disagree. Either way the edit is caught by the transcript check.'

export const editDropStrongSuites = defineScenario({
  id: 'client-hello-drop-strong-suites',
  title: 'ClientHello edited in flight: the strongest cipher suites removed',
  explanation:
    'A non-terminating proxy rewrites the client\'s ClientHello on its way to the bank, deleting the AES-256 and ' +
    'ChaCha20 suites so the server settles for AES-128: the classic cipher-suite downgrade of SSL 2.0 days, where ' +
    'nothing protected the hello. ' +
    WHY_FINISHED,
  references: ['RFC 8446 §4.4.4', 'RFC 8446 §7.1', 'RFC 5246 §7.4.9', 'RFC 7627', 'scenario catalog row 40'],
  tags: ['handshake', 'transcript', 'downgrade'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'edit-client-hello', edits: [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }] }) },
  expect: { verdict: 'reject', step: 'FIN', code: 'TRANSCRIPT_MISMATCH' },
})

export const editDropStrongSuitesTls12 = defineScenario({
  id: 'client-hello-drop-strong-suites-tls12',
  title: 'ClientHello edited in flight: the strongest cipher suites removed (TLS 1.2)',
  explanation:
    'The same edit against a client that offers TLS 1.2 at most. Both sides use extended_master_secret (RFC 7627), ' +
    'so the master secret is derived from the hash of the handshake: the two sides end up with different keys, and ' +
    'it is the bank that cannot open the client\'s encrypted Finished and answers with a bad_record_mac alert. The ' +
    'client records the alert it received (detected by the peer). ' +
    WHY_FINISHED,
  references: ['RFC 5246 §7.4.9', 'RFC 7627 §4', 'RFC 5246 §7.2.2', 'scenario catalog row 40'],
  tags: ['handshake', 'transcript', 'downgrade', 'tls12'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'edit-client-hello', edits: [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }] }) },
  clientPolicy: () => ({ offerMaxVersion: 'TLSv1.2' }),
  expect: { verdict: 'reject', step: 'FIN', code: 'TRANSCRIPT_MISMATCH' },
})

export const editAlpn = defineScenario({
  id: 'client-hello-alpn-rewritten',
  title: 'ClientHello edited in flight: the ALPN list rewritten',
  explanation:
    'A non-terminating proxy rewrites the ALPN extension of the ClientHello to "http/1.1, h2" (adding h2 to the ' +
    'lab victim\'s http/1.1, reordering a browser\'s "h2, http/1.1"), the way a middlebox steers which application ' +
    'protocol runs inside TLS. The bank still picks http/1.1, so nothing the server negotiates changes; the edit ' +
    'alone is enough to be caught. ' +
    WHY_FINISHED,
  references: ['RFC 8446 §4.4.4', 'RFC 7301 §3.1', 'RFC 8446 §7.1', 'scenario catalog row 40'],
  tags: ['handshake', 'transcript', 'alpn'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'edit-client-hello', edits: [{ kind: 'set-alpn', protocols: ['http/1.1', 'h2'] }] }) },
  expect: { verdict: 'reject', step: 'FIN', code: 'TRANSCRIPT_MISMATCH' },
})

export const editRemoveTls13 = defineScenario({
  id: 'client-hello-remove-tls13',
  title: 'ClientHello edited in flight: TLS 1.3 removed from supported_versions',
  explanation:
    'A non-terminating proxy deletes TLS 1.3 from the client\'s supported_versions, so the bank answers with TLS 1.2. ' +
    'A TLS 1.3 server that negotiates 1.2 must write the downgrade sentinel "DOWNGRD\\x01" into the last 8 bytes of ' +
    'ServerHello.random, and the random is covered by the server\'s signature, so the proxy cannot erase it. The ' +
    'client, which offered 1.3, sees the sentinel and aborts before the key exchange (OpenSSL: inappropriate fallback). ' +
    'Compare drop-tls13: a terminating proxy writes its own ServerHello, and the sentinel cannot help there.',
  references: ['RFC 8446 §4.1.3', 'RFC 8446 §4.2.1', 'RFC 7507', 'scenario catalog rows 37 and 40'],
  tags: ['handshake', 'downgrade', 'sentinel'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'edit-client-hello', edits: [{ kind: 'remove-tls13' }] }) },
  expect: { verdict: 'reject', step: 'PROTO', code: 'DOWNGRADE_SENTINEL' },
})

export const clientHelloEditScenarios: readonly Scenario[] = [editDropStrongSuites, editDropStrongSuitesTls12, editAlpn, editRemoveTls13]
