import { defineScenario } from '../define-scenario.js'
import { daysFrom, forgedLeaf } from './forge-helpers.js'

export const notYetValidLeaf = defineScenario({
  id: 'not-yet-valid-leaf',
  title: 'Certificate that is not valid yet',
  explanation:
    'A certificate for bank.lab from a trusted CA whose validity starts next month: a mis-issued or ' +
    'back-dated certificate, or a victim whose clock is wrong. Clients must check notBefore as well as notAfter.',
  references: ['RFC 5280 §4.1.2.5', 'trytls future'],
  tags: ['dates'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const leaf = forgedLeaf(context, context.pki.trustedIntermediate, {
        notBefore: daysFrom(context.now, 30),
        notAfter: daysFrom(context.now, 120),
      })
      return { served: [leaf, context.pki.trustedIntermediate], description: 'A bank.lab certificate valid only from next month' }
    },
  },
  expect: { verdict: 'reject', step: 'DATES' },
})
