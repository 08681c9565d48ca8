import { defineScenario } from '../define-scenario.js'
import { forgedLeaf } from './forge-helpers.js'

export const selfSignedLeaf = defineScenario({
  id: 'self-signed-leaf',
  title: 'Self-signed certificate for the bank',
  explanation:
    'The proxy mints a certificate for bank.lab and signs it with its own key: issuer equals subject. ' +
    'Nothing vouches for it, so a client that checks the chain refuses it. Georgiev et al. (2012) found ' +
    'SDKs and apps that accept exactly this.',
  references: ['RFC 5280 §6.1', 'badssl.com self-signed', 'Georgiev et al., CCS 2012'],
  tags: ['chain', 'forgery', 'classic'],
  kind: 'attack',
  topology: {
    kind: 'intercept',
    forge: (context) => {
      const leaf = forgedLeaf(context, undefined)
      return { served: [leaf], description: 'A self-signed leaf for bank.lab' }
    },
  },
  expect: { verdict: 'reject', step: 'TRUST' },
})
