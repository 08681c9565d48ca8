import { bench, describe } from 'vitest'
import { computeJa3 } from '../../../../server/fingerprint/ja3.js'
import { computeJa4 } from '../../../../server/fingerprint/ja4.js'
import { detectInterception } from '../../../../server/fingerprint/detect-interception.js'
import { parseClientHello } from '../../../../server/tls/client-hello/parse-client-hello.js'
import { captureNodeHello } from './hello-bytes.js'

/** Run with `npx vitest bench test/server/tls/client-hello`: the per-connection cost the genuine server pays. */
const hello = await captureNodeHello({ ALPNProtocols: ['http/1.1'] })
const parsed = parseClientHello(hello)
if (!parsed.ok) throw new Error(parsed.message)

describe('per-connection fingerprinting cost', () => {
  bench('parseClientHello (node:tls hello, 1 record)', () => {
    parseClientHello(hello)
  })
  bench('computeJa3 + computeJa4', () => {
    computeJa3(parsed.hello)
    computeJa4(parsed.hello)
  })
  bench('detectInterception against the catalog', () => {
    detectInterception(parsed.hello, { clientId: 'lab-verifier' })
  })
})
