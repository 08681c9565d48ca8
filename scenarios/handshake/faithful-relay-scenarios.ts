import type { ClientPolicy } from '../../server/client/instrumented-client.js'
import { defineScenario, type Scenario } from '../define-scenario.js'
import { startTamperMiddlebox } from './tamper-middlebox.js'

const EXPLANATION =
  'A non-terminating proxy that parses every TLS record on the path and forwards each one unchanged. Every ' +
  'handshake step passes (the server\'s signature, both Finished messages, every record tag, close_notify at the ' +
  'end) and the proxy\'s record shows only ciphertext: the login crossed it encrypted. This is the baseline the ' +
  'tampering scenarios differ from by a single edit.'

export const faithfulRelay = defineScenario({
  id: 'faithful-record-relay',
  title: 'A record-level relay that forwards everything untouched (control, TLS 1.3)',
  explanation: EXPLANATION,
  references: ['RFC 8446 §1', 'RFC 8446 §5.2'],
  tags: ['handshake', 'control', 'tls13'],
  kind: 'control',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'faithful' }) },
  expect: { verdict: 'accept', step: null },
})

export const faithfulRelayTls12 = defineScenario({
  id: 'faithful-record-relay-tls12',
  title: 'A record-level relay that forwards everything untouched (control, TLS 1.2)',
  explanation: `${EXPLANATION} The victim offers TLS 1.2 at most; the bank, a TLS 1.3 server, marks its ServerHello with the downgrade sentinel, which this client rightly ignores since it did not offer 1.3 (RFC 8446 §4.1.3).`,
  references: ['RFC 5246 §1', 'RFC 8446 §4.1.3'],
  tags: ['handshake', 'control', 'tls12'],
  kind: 'control',
  topology: { kind: 'custom', start: (_context, upstream) => startTamperMiddlebox(upstream, { kind: 'faithful' }) },
  clientPolicy: (): Partial<ClientPolicy> => ({ offerMaxVersion: 'TLSv1.2' }),
  expect: { verdict: 'accept', step: null },
})

export const faithfulRelayScenarios: readonly Scenario[] = [faithfulRelay, faithfulRelayTls12]
