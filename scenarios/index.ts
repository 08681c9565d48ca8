import type { Scenario } from './define-scenario.js'
import { catalogScenarios } from './catalog/index.js'
import { liveScenarios } from './live/index.js'
import { handshakeScenarios } from './handshake/index.js'
import { mlDsaScenarios } from './attacks/ml-dsa-scenarios.js'
import { directConnection } from './attacks/direct-connection.js'
import { expiredLeaf } from './attacks/expired-leaf.js'
import { installedInterceptionCa, installedInterceptionCaPinned } from './attacks/installed-interception-ca.js'
import { leafUsedAsCa } from './attacks/leaf-used-as-ca.js'
import { notYetValidLeaf } from './attacks/not-yet-valid-leaf.js'
import { selfSignedLeaf } from './attacks/self-signed-leaf.js'
import { interceptionDetectedByServer, interceptionMirroringClient } from './attacks/server-side-detection.js'
import { tcpPassthrough } from './attacks/tcp-passthrough.js'
import { untrustedCaLeaf } from './attacks/untrusted-ca-leaf.js'
import { wrongHost } from './attacks/wrong-host.js'

/** The foundation set: the classic attacks and the two controls, in the order a run plays them. */
export const foundationScenarios: readonly Scenario[] = [
  directConnection,
  tcpPassthrough,
  selfSignedLeaf,
  untrustedCaLeaf,
  wrongHost,
  expiredLeaf,
  notYetValidLeaf,
  leafUsedAsCa,
  installedInterceptionCa,
  installedInterceptionCaPinned,
  interceptionDetectedByServer,
  interceptionMirroringClient,
]

/**
 * The registry: explicit, no auto-discovery. Each family of scenarios adds one
 * line here (its own index exports an array).
 */
export const scenarios: readonly Scenario[] = [
  ...foundationScenarios,
  ...catalogScenarios,
  ...liveScenarios,
  ...handshakeScenarios,
  ...mlDsaScenarios,
]

export function findScenario(id: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.id === id)
}

export { defineScenario, TARGET_HOST, type Scenario, type ScenarioContext, type ForgedChain, type Topology } from './define-scenario.js'
