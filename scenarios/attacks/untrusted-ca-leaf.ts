import { defineScenario } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

export const untrustedCaLeaf = defineScenario({
  id: 'untrusted-ca-leaf',
  title: "Leaf from the attacker's own CA",
  explanation:
    "The proxy runs its own CA and issues bank.lab from it, serving the attacker root too. The chain is " +
    "well-formed, but it ends at a root the victim never installed.",
  references: ['RFC 5280 §6.1', 'badssl.com untrusted-root'],
  tags: ['chain', 'forgery', 'classic'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const leaf = forgedLeaf(context, context.pki.attackerCa)
      return { served: [leaf, context.pki.attackerCa], description: 'bank.lab issued by Evil Attacker Root CA' }
    },
  },
  expect: { verdict: 'reject', step: 'TRUST' },
})
