import { defineScenario } from '../define-scenario.js'

export const directConnection = defineScenario({
  id: 'direct-connection',
  title: 'Direct connection (control)',
  explanation:
    'No attacker: the client reaches the genuine bank with its genuine chain. Every step must pass. ' +
    'If this fails, the lab itself is broken, not the client.',
  references: ['RFC 5280 §6.1', 'RFC 6125'],
  tags: ['control'],
  kind: 'control',
  topology: { kind: 'direct' },
  expect: { verdict: 'accept', step: null },
})
