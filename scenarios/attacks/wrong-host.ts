import { defineScenario } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

export const wrongHost = defineScenario({
  id: 'wrong-host',
  title: 'Valid certificate for another host',
  explanation:
    'The attacker owns evil.lab and holds a perfectly valid certificate for it from a trusted CA. ' +
    'The proxy serves that certificate to a victim asking for bank.lab. Only the hostname check stands ' +
    'between the victim and the attacker: the classic bug of clients that verify the chain but not the name.',
  references: ['RFC 6125 §6', 'RFC 9525', 'badssl.com wrong.host', 'nogotofail invalidhostname'],
  tags: ['names', 'classic'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const leaf = forgedLeaf(context, context.pki.trustedIntermediate, { subject: { CN: 'evil.lab' }, sans: [{ dns: 'evil.lab' }] })
      return { served: [leaf, context.pki.trustedIntermediate], description: 'A trusted certificate for evil.lab' }
    },
  },
  expect: { verdict: 'reject', step: 'HOST' },
})
