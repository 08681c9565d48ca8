import type { ClientPolicy } from '../../server/client/instrumented-client.js'
import { defineScenario, type Scenario } from '../define-scenario.js'
import { startTamperMiddlebox } from './tamper-middlebox.js'

/** The genuine bank speaks TLS 1.3; a TLS 1.2 variant needs a victim that offers no more. */
const TLS12_CLIENT = (): Partial<ClientPolicy> => ({ offerMaxVersion: 'TLSv1.2' })

const WHY_AEAD =
  'Every protected record carries an AEAD tag computed with a key the relay does not have, over the ciphertext and, ' +
  'through the per-record nonce, its sequence number (RFC 8446 §5.2-5.3; RFC 5246 §6.2.3.3). The client opens the ' +
  'login response, the tag does not verify, and it aborts with bad_record_mac: it never acts on bytes the bank did ' +
  'not send. The handshake itself was untouched, so PROTO, HS, FIN and every certificate step pass.'

export const recordBitFlip = defineScenario({
  id: 'record-bit-flip',
  title: 'Encrypted record tampered: one bit flipped in the login response',
  explanation:
    'A non-terminating proxy flips one bit in the middle of the first encrypted record the bank sends after the ' +
    'login (with a stream cipher and no MAC, that would flip the same bit of the plaintext: a silent edit). ' + WHY_AEAD,
  references: ['RFC 8446 §5.2', 'RFC 5116 §2.2', 'scenario catalog row 42b'],
  tags: ['handshake', 'record', 'tls13'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'flip-bit', direction: 'serverToClient' }) },
  expect: { verdict: 'reject', step: 'REC', code: 'RECORD_MAC_FAILED' },
})

export const recordBitFlipTls12 = defineScenario({
  id: 'record-bit-flip-tls12',
  title: 'Encrypted record tampered: one bit flipped in the login response (TLS 1.2, AES-GCM)',
  explanation:
    'The same one-bit edit against a client capped at TLS 1.2, where the bank picks ECDHE with AES-GCM. OpenSSL 3 ' +
    'reports the failed GCM tag as a cipher operation failure rather than by name; it is the same check. ' + WHY_AEAD,
  references: ['RFC 5246 §6.2.3.3', 'RFC 5288 §3', 'scenario catalog row 42b'],
  tags: ['handshake', 'record', 'tls12'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'flip-bit', direction: 'serverToClient' }) },
  clientPolicy: TLS12_CLIENT,
  expect: { verdict: 'reject', step: 'REC', code: 'RECORD_MAC_FAILED' },
})

export const recordInject = defineScenario({
  id: 'record-inject',
  title: 'Encrypted record injected before the login response',
  explanation:
    'A non-terminating proxy inserts a forged application-data record of its own (48 bytes of 0x42) in front of the ' +
    'bank\'s response, hoping the client will take it for part of the page. ' + WHY_AEAD,
  references: ['RFC 8446 §5.2', 'RFC 8446 §5.3', 'scenario catalog row 42b'],
  tags: ['handshake', 'record', 'tls13'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'inject', direction: 'serverToClient' }) },
  expect: { verdict: 'reject', step: 'REC', code: 'RECORD_MAC_FAILED' },
})

export const recordReorder = defineScenario({
  id: 'record-reorder',
  title: 'Encrypted records reordered: the login response swapped with the next record',
  explanation:
    'A non-terminating proxy holds back the bank\'s response record and sends the one after it first. Each record is ' +
    'intact, but TLS numbers records implicitly: the receiver opens each with the nonce of the sequence number it ' +
    'expects, so a record in the wrong place fails its tag just like an edited one. ' + WHY_AEAD,
  references: ['RFC 8446 §5.3', 'RFC 5246 §6.2.3.3', 'scenario catalog row 42b'],
  tags: ['handshake', 'record', 'tls13'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'reorder', direction: 'serverToClient' }) },
  expect: { verdict: 'reject', step: 'REC', code: 'RECORD_MAC_FAILED' },
})

export const recordTruncation = defineScenario({
  id: 'record-truncation',
  title: 'Connection truncated: the login response cut off, no close_notify',
  explanation:
    'A non-terminating proxy lets the login request through (the bank receives it and signs the victim in), then ' +
    'drops the bank\'s response and closes both TCP connections. Every record that did arrive verified, so no tag ' +
    'check can see this: only close_notify can (RFC 8446 §6.1), the authenticated "that was all" a TLS peer sends ' +
    'before closing. A plain TCP FIN is not authenticated; anyone on the path can send one. This client requires ' +
    'close_notify, sees the stream end without it and rejects the connection as truncated. Node itself reports a ' +
    'clean end with no error: a client that ignores close_notify would take the cut for the server hanging up (and ' +
    'may retry the login), and where the response is framed by the connection close rather than a length it would ' +
    'take a truncated page as complete: the truncation attacks on HTTPS (Smyth and Pironti 2013, "cookie cutter").',
  references: ['RFC 8446 §6.1', 'RFC 5246 §7.2.1', 'Smyth & Pironti, Truncating TLS connections (2013)', 'scenario catalog row 42b'],
  tags: ['handshake', 'record', 'truncation', 'close-notify'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'truncate', direction: 'serverToClient', afterApplicationRecords: 0 }) },
  expect: { verdict: 'reject', step: 'REC', code: 'TRUNCATED_WITHOUT_CLOSE_NOTIFY' },
})

export const earlyCcsTls12 = defineScenario({
  id: 'early-ccs-tls12',
  title: 'ChangeCipherSpec injected before the key exchange (TLS 1.2, CVE-2014-0224)',
  explanation:
    'A non-terminating proxy slips a ChangeCipherSpec record in right after the bank\'s ServerHello, before any key ' +
    'has been agreed. OpenSSL before 1.0.1h accepted it and switched to keys derived from an empty master secret, ' +
    'which the proxy could compute (CVE-2014-0224). A strict handshake state machine refuses a CCS it does not ' +
    'expect yet and aborts with unexpected_message. The lab\'s victim offers TLS 1.2 only, since TLS 1.3 ignores ' +
    'such a CCS (see early-ccs-tls13). Real clients run with --clients keep their own settings and negotiate TLS 1.3 ' +
    'with the bank, so for them this is the harmless TLS 1.3 case and accepting is correct.',
  references: ['CVE-2014-0224', 'RFC 5246 §7.1', 'nogotofail earlyccs', 'scenario catalog row 42'],
  tags: ['handshake', 'state-machine', 'tls12'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'early-ccs' }) },
  clientPolicy: TLS12_CLIENT,
  expect: { verdict: 'reject', step: 'HS', code: 'UNEXPECTED_MESSAGE' },
})

export const earlyCcsTls13 = defineScenario({
  id: 'early-ccs-tls13',
  title: 'ChangeCipherSpec injected during a TLS 1.3 handshake (ignored, control)',
  explanation:
    'The same injected ChangeCipherSpec against TLS 1.3. TLS 1.3 has no ChangeCipherSpec of its own: peers send a ' +
    'dummy one for middlebox compatibility, and a receiver must drop any CCS of value 1 during the handshake ' +
    '(RFC 8446 §5, Appendix D.4). Nothing is switched, no check fails, and the login reaches the bank as ciphertext: ' +
    'an attack that TLS 1.3 removed by design.',
  references: ['RFC 8446 §5', 'RFC 8446 Appendix D.4', 'CVE-2014-0224'],
  tags: ['handshake', 'state-machine', 'tls13', 'control'],
  kind: 'control',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'early-ccs' }) },
  expect: { verdict: 'accept', step: null },
})

export const heartbeatProbe = defineScenario({
  id: 'heartbeat-probe',
  title: 'Heartbleed probe: a HeartbeatRequest injected into the handshake',
  explanation:
    'A non-terminating proxy injects a HeartbeatRequest record right after the bank\'s ServerHello, claiming 16,384 ' +
    'bytes of payload while carrying 16 (nogotofail clientheartbleed). A client that answers from the claimed length ' +
    'sends back 16 KB of its own memory: keys, cookies, passwords (CVE-2014-0160). This client never negotiated the ' +
    'heartbeat extension (RFC 6520 §2), so a heartbeat record is one its state machine does not allow: it aborts with ' +
    'unexpected_message before answering anything.',
  references: ['CVE-2014-0160', 'RFC 6520 §4', 'RFC 8446 §5', 'nogotofail clientheartbleed', 'scenario catalog row 42'],
  tags: ['handshake', 'state-machine', 'tls13'],
  kind: 'attack',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'heartbeat-request' }) },
  expect: { verdict: 'reject', step: 'HS', code: 'UNEXPECTED_MESSAGE' },
})

export const recordTamperingScenarios: readonly Scenario[] = [
  recordBitFlip,
  recordBitFlipTls12,
  recordInject,
  recordReorder,
  recordTruncation,
  earlyCcsTls12,
  earlyCcsTls13,
  heartbeatProbe,
]
