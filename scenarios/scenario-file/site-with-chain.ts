import { chainPem } from '../../ca/index.js'
import { LabError } from '../../server/errors.js'
import { startGenuineServer } from '../../server/genuine/genuine-server.js'
import type { ForgedChain, PathMiddlebox } from '../define-scenario.js'

/**
 * The bank's own server, configured with an unusual but valid chain: how a
 * false-reject control is staged. There is no attacker on the path, so
 * nothing records plaintext; the victim's login reaches the site itself.
 */
export async function startSiteWithChain(chain: ForgedChain): Promise<PathMiddlebox> {
  const [leaf] = chain.served
  if (leaf === undefined) throw new LabError('SCENARIO_INVALID', 'A control served an empty chain')
  const site = await startGenuineServer({ certificateChainPem: chainPem(...chain.served), privateKeyPem: leaf.key.privateKeyPem })
  return {
    connectTo: { host: site.host, port: site.port },
    records: () => [],
    requests: () => site.requests,
    whenIdle: () => Promise.resolve(),
    close: () => site.close(),
  }
}
