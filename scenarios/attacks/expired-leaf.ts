import { defineScenario } from '../define-scenario.js'
import { daysFrom, forgedLeaf } from './forge-helpers.js'

export const expiredLeaf = defineScenario({
  id: 'expired-leaf',
  title: 'Expired certificate for the bank',
  explanation:
    "The attacker stole the key of one of the bank's old certificates. It was genuinely issued for " +
    'bank.lab by a trusted CA, but it expired last month: only the validity check catches it.',
  references: ['RFC 5280 §4.1.2.5', 'badssl.com expired'],
  tags: ['dates', 'classic'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const leaf = forgedLeaf(context, context.pki.trustedIntermediate, {
        notBefore: daysFrom(context.now, -120),
        notAfter: daysFrom(context.now, -30),
      })
      return { served: [leaf, context.pki.trustedIntermediate], description: 'A bank.lab certificate that expired 30 days ago' }
    },
  },
  expect: { verdict: 'reject', step: 'DATES' },
})
