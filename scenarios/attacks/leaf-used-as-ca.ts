import { defineScenario } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

export const leafUsedAsCa = defineScenario({
  id: 'leaf-used-as-ca',
  title: 'An ordinary leaf certificate used as a CA',
  explanation:
    'The attacker holds a valid certificate for evil.lab (CA:FALSE) and signs a bank.lab certificate with ' +
    "its key, serving the chain bank.lab → evil.lab → trusted CA. Every signature verifies; only the basic " +
    "constraints check notices that evil.lab was never allowed to issue. Moxie Marlinspike's 2002 IE bug.",
  references: ['RFC 5280 §4.2.1.9', 'Marlinspike 2002 (IE basicConstraints)', 'certmitm real_cert_CA'],
  tags: ['chain', 'constraints', 'classic'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const attackerLeaf = forgedLeaf(context, context.pki.trustedIntermediate, {
        subject: { CN: 'evil.lab' },
        sans: [{ dns: 'evil.lab' }],
      })
      const leaf = forgedLeaf(context, attackerLeaf)
      return {
        served: [leaf, attackerLeaf, context.pki.trustedIntermediate],
        description: 'bank.lab signed by the key of the CA:FALSE certificate for evil.lab',
      }
    },
  },
  expect: { verdict: 'reject', step: 'BC' },
})
