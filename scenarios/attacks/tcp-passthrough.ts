import { defineScenario } from '../define-scenario.js'

export const tcpPassthrough = defineScenario({
  id: 'tcp-passthrough',
  title: 'A proxy that relays without terminating TLS (control)',
  explanation:
    'The attacker is on the path but only relays bytes. TLS does its job: the client sees the genuine ' +
    'certificate and accepts it, and the proxy sees nothing but ciphertext. Being in the middle is not ' +
    'enough; the attacker has to break a check.',
  references: ['RFC 8446 §1', 'RFC 5246 §1'],
  tags: ['control', 'passthrough'],
  kind: 'control',
  topology: { kind: 'passthrough' },
  expect: { verdict: 'accept', step: null },
})
